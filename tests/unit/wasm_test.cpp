#include "juno/wasm.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "ic/error.hpp"

namespace {

std::filesystem::path write(const std::string& name, const ic::Bytes& bytes) {
    auto path = std::filesystem::temp_directory_path() / ("juno_wasm_test_" + name);
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return path;
}

ic::Bytes gzip(const ic::Bytes& data) {
    z_stream s{};
    deflateInit2(&s, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    ic::Bytes out(deflateBound(&s, static_cast<uLong>(data.size())) + 32);
    s.next_in = const_cast<Bytef*>(data.data());
    s.avail_in = static_cast<uInt>(data.size());
    s.next_out = out.data();
    s.avail_out = static_cast<uInt>(out.size());
    deflate(&s, Z_FINISH);
    out.resize(s.total_out);
    deflateEnd(&s);
    return out;
}

const ic::Bytes module{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

std::string usage_error(const std::filesystem::path& path) {
    try {
        juno::read_wasm(path);
    } catch (const ic::Error& e) {
        EXPECT_EQ(e.kind(), ic::ErrorKind::Usage);
        EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
        return e.what();
    }
    ADD_FAILURE() << "accepted " << path;
    return "";
}

TEST(Wasm, AcceptsPlainWasmAndHashesIt) {
    auto wasm = juno::read_wasm(write("plain.wasm", module));
    EXPECT_FALSE(wasm.gzipped);
    EXPECT_EQ(wasm.bytes, module);
    EXPECT_EQ(ic::to_hex(wasm.hash), ic::to_hex(ic::sha256(module)));
}

TEST(Wasm, AcceptsGzippedWasmAndHashesTheGzipBytes) {
    ic::Bytes gz = gzip(module);
    auto wasm = juno::read_wasm(write("module.wasm.gz", gz));
    EXPECT_TRUE(wasm.gzipped);
    EXPECT_EQ(wasm.uncompressed_size, module.size());
    EXPECT_EQ(wasm.hash, ic::sha256(gz)) << "the IC hashes the module as installed";
}

TEST(Wasm, RefusesWhatIsNotAModule) {
    EXPECT_NE(usage_error(write("text.wasm", ic::to_bytes("hello"))).find("neither WebAssembly"),
              std::string::npos);
    EXPECT_NE(usage_error(write("empty.wasm", {})).find("empty"), std::string::npos);
    EXPECT_NE(
        usage_error(write("gztext.wasm.gz", gzip(ic::to_bytes("hello")))).find("not WebAssembly"),
        std::string::npos);
    ic::Bytes truncated = gzip(module);
    truncated.resize(truncated.size() / 2);
    EXPECT_NE(usage_error(write("cut.wasm.gz", truncated)).find("truncated"), std::string::npos);
    EXPECT_NE(usage_error("/nonexistent/module.wasm").find("cannot be read"), std::string::npos);
}

TEST(Wasm, RefusesAGzipBombBeyondTheIcLimit) {
    ic::Bytes huge(juno::max_wasm_size + 1, 0);
    std::copy(module.begin(), module.end(), huge.begin());
    EXPECT_NE(usage_error(write("bomb.wasm.gz", gzip(huge))).find("100 MiB"), std::string::npos);
}

TEST(InstallArg, IsBounded) {
    auto path = write("arg.bin", ic::Bytes(10, 1));
    EXPECT_EQ(juno::read_install_arg(path, 10).size(), 10u);
    EXPECT_THROW(juno::read_install_arg(path, 9), ic::Error);
}

}  // namespace
