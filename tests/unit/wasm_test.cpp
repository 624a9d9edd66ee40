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

// What check_wasm_file_start refuses, read_wasm refuses in the same words; what it lets through
// (a cut gzip, a gzip of text) is read_wasm's to refuse.
TEST(Wasm, TheFileStartCheckRefusesWhatTheStartShowsAsReadWasmDoes) {
    for (const auto& [name, bytes] :
         std::vector<std::pair<std::string, ic::Bytes>>{{"start_text.wasm", ic::to_bytes("hello")},
                                                        {"start_empty.wasm", {}},
                                                        {"start_short.wasm", {0x00, 0x61}}}) {
        const auto path = write(name, bytes);
        try {
            juno::check_wasm_file_start(path);
            ADD_FAILURE() << "accepted " << name;
        } catch (const ic::Error& e) {
            EXPECT_EQ(e.kind(), ic::ErrorKind::Usage);
            EXPECT_EQ(std::string(e.what()), usage_error(path));
        }
    }
    try {
        juno::check_wasm_file_start("/nonexistent/module.wasm");
        ADD_FAILURE() << "accepted a missing file";
    } catch (const ic::Error& e) {
        EXPECT_EQ(std::string(e.what()), usage_error("/nonexistent/module.wasm"));
    }
    EXPECT_EQ(juno::check_wasm_file_start(write("start_plain.wasm", module)), module.size());
    ic::Bytes truncated = gzip(module);
    truncated.resize(truncated.size() / 2);
    const auto cut = write("start_cut.wasm.gz", truncated);
    EXPECT_EQ(juno::check_wasm_file_start(cut), truncated.size());
    EXPECT_NE(usage_error(cut).find("truncated"), std::string::npos);
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

namespace {

// \0asm, version 1, a type section of 4 bytes, and a custom section "name" with 2 bytes of data.
const ic::Bytes structured{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // header
                           0x01, 0x04, 0x01, 0x60, 0x00, 0x00,              // type section
                           0x00, 0x07, 0x04, 'n',  'a',  'm',  'e',  0x01, 0x02};

std::string structure_error(const ic::Bytes& bytes) {
    try {
        juno::check_wasm_structure(bytes, "m.wasm");
    } catch (const ic::Error& e) {
        EXPECT_EQ(e.kind(), ic::ErrorKind::Usage);
        return e.what();
    }
    return "";
}

TEST(WasmStructure, AcceptsWholeModules) {
    EXPECT_EQ(structure_error(module), "");
    EXPECT_EQ(structure_error(structured), "");
}

TEST(WasmStructure, RefusesAModuleCutShortAtEveryByte) {
    for (std::size_t size = 9; size < structured.size(); ++size) {
        ic::Bytes cut(structured.begin(), structured.begin() + static_cast<long>(size));
        // Cutting exactly between two sections leaves a whole (shorter) module.
        if (size == 14) continue;
        EXPECT_NE(structure_error(cut), "") << "cut to " << size << " bytes";
    }
    auto cut = structure_error(ic::Bytes(structured.begin(), structured.end() - 1));
    EXPECT_NE(cut.find("runs past the end of the file"), std::string::npos) << cut;
    EXPECT_NE(cut.find("cut short"), std::string::npos) << cut;
}

TEST(WasmStructure, RefusesPaddingBadVersionsAndOverlongNames) {
    ic::Bytes padded = structured;
    padded.insert(padded.end(), {0xff, 0xff});
    EXPECT_NE(structure_error(padded).find("unknown id 255"), std::string::npos);
    ic::Bytes zeros = structured;
    zeros.push_back(0x00);  // a custom section id with no size
    EXPECT_NE(structure_error(zeros), "");
    ic::Bytes version2 = module;
    version2[4] = 0x02;
    EXPECT_NE(structure_error(version2).find("version 1"), std::string::npos);
    ic::Bytes long_name{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x00, 0x02, 0x09, 'x'};
    EXPECT_NE(structure_error(long_name).find("name longer than the section"), std::string::npos);
    ic::Bytes huge_size{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00,
                        0x00, 0x01, 0xff, 0xff, 0xff, 0xff, 0x7f};
    EXPECT_NE(structure_error(huge_size), "");
}

TEST(WasmStructure, ReadWasmChecksItAlsoInsideGzip) {
    ic::Bytes cut(structured.begin(), structured.end() - 3);
    EXPECT_NE(usage_error(write("cut.wasm", cut)).find("cut short"), std::string::npos);
    EXPECT_NE(usage_error(write("cut.wasm.gz", gzip(cut))).find("inside its gzip"),
              std::string::npos);
    ic::Bytes trailing = gzip(structured);
    trailing.push_back(0x00);
    EXPECT_NE(usage_error(write("trailing.wasm.gz", trailing)).find("after the end of its gzip"),
              std::string::npos);
}

}  // namespace

namespace {

// A module with custom sections {name: content}, in order.
ic::Bytes with_sections(const std::vector<std::pair<std::string, std::string>>& sections) {
    ic::Bytes out = module;
    for (const auto& [name, content] : sections) {
        ic::Bytes body{static_cast<std::uint8_t>(name.size())};
        body.insert(body.end(), name.begin(), name.end());
        body.insert(body.end(), content.begin(), content.end());
        out.push_back(0);
        out.push_back(static_cast<std::uint8_t>(body.size()));
        out.insert(out.end(), body.begin(), body.end());
    }
    return out;
}

}  // namespace

TEST(CustomSection, FindsTheNamedSectionInPlainAndGzippedModules) {
    ic::Bytes bytes = with_sections({{"icp:public candid:service", "service : {}"},
                                     {"icp:public juno:package", R"({"name":"x"})"}});
    auto found = juno::find_custom_section(bytes, "icp:public juno:package", "m");
    ASSERT_TRUE(found);
    EXPECT_EQ(std::string(found->begin(), found->end()), R"({"name":"x"})");
    EXPECT_FALSE(juno::find_custom_section(bytes, "icp:public juno:build", "m"));
    EXPECT_FALSE(juno::find_custom_section(bytes, "icp:public juno", "m"));  // whole names only

    auto wasm = juno::read_wasm(write("sections.wasm.gz", gzip(bytes)));
    EXPECT_EQ(juno::module_bytes(wasm), bytes);
    EXPECT_TRUE(
        juno::find_custom_section(juno::module_bytes(wasm), "icp:public juno:package", "m"));
}

TEST(CustomSection, RefusesTwoSectionsOfTheSameName) {
    ic::Bytes bytes =
        with_sections({{"icp:public juno:package", "{}"}, {"icp:public juno:package", "{}"}});
    try {
        juno::find_custom_section(bytes, "icp:public juno:package", "Wasm file m.wasm");
        FAIL() << "accepted two sections of one name";
    } catch (const ic::Error& e) {
        EXPECT_EQ(e.kind(), ic::ErrorKind::Usage);
        EXPECT_NE(std::string(e.what()).find("Wasm file m.wasm: it holds two custom sections named "
                                             "'icp:public juno:package'"),
                  std::string::npos);
    }
}
