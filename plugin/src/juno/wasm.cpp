#include "juno/wasm.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <optional>

#include "ic/error.hpp"

namespace juno {

namespace {

[[noreturn]] void bad_file(const std::filesystem::path& path, const std::string& why) {
    throw ic::Error(ic::ErrorKind::Usage, "Wasm file " + path.string() + ": " + why);
}

// Reads the whole file in large blocks straight into its buffer, each block hashed as it arrives
// when `hash` is given: one pass at disk speed (a byte-wise stream read took 0.44 s for 20 MB).
// The file's size, refused (ic::Error, Usage) when it cannot be read or is over `max_size`.
std::uintmax_t checked_size(const std::filesystem::path& path, std::size_t max_size,
                            const char* what) {
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        throw ic::Error(ic::ErrorKind::Usage, std::string(what) + " " + path.string() +
                                                  " cannot be read: " + ec.message());
    }
    if (size > max_size) {
        throw ic::Error(ic::ErrorKind::Usage,
                        std::string(what) + " " + path.string() + " is " + std::to_string(size) +
                            " bytes; the IC accepts at most " + std::to_string(max_size));
    }
    return size;
}

ic::Bytes read_all(const std::filesystem::path& path, std::size_t max_size, const char* what,
                   ic::Hash* hash = nullptr) {
    const auto size = checked_size(path, max_size, what);
    auto unreadable = [&] {
        return ic::Error(ic::ErrorKind::Usage,
                         std::string(what) + " " + path.string() + " cannot be read");
    };
    std::ifstream in(path, std::ios::binary);
    if (!in) throw unreadable();
    constexpr std::size_t block = 1024 * 1024;
    ic::Sha256 hasher;
    // A file that grows while it is read is read to its end, up to the limit.
    ic::Bytes bytes(static_cast<std::size_t>(size));
    std::size_t filled = 0;
    while (true) {
        if (filled == bytes.size()) {
            if (bytes.size() > max_size) break;
            bytes.resize(std::min(bytes.size() + block, max_size + 1));
        }
        std::size_t want = std::min(block, bytes.size() - filled);
        in.read(reinterpret_cast<char*>(bytes.data() + filled), static_cast<std::streamsize>(want));
        auto got = static_cast<std::size_t>(in.gcount());
        if (hash) hasher.update(ic::ByteView(bytes.data() + filled, got));
        filled += got;
        if (got < want) break;
    }
    if (in.bad()) throw unreadable();
    bytes.resize(filled);
    if (bytes.size() > max_size) {
        throw ic::Error(ic::ErrorKind::Usage, std::string(what) + " " + path.string() +
                                                  " grew past " + std::to_string(max_size) +
                                                  " bytes while it was read; the IC accepts at "
                                                  "most that");
    }
    if (hash) *hash = hasher.finish();
    return bytes;
}

bool has_wasm_magic(ic::ByteView bytes) {
    return bytes.size() >= 4 && bytes[0] == 0x00 && bytes[1] == 0x61 && bytes[2] == 0x73 &&
           bytes[3] == 0x6d;
}

constexpr const char* not_a_module = "it is neither WebAssembly (\\0asm) nor gzipped WebAssembly";

bool has_gzip_magic(ic::ByteView bytes) {
    return bytes.size() >= 3 && bytes[0] == 0x1f && bytes[1] == 0x8b && bytes[2] == 0x08;
}

// Inflates at most max_wasm_size + 1 bytes: enough to check the magic and the limit without
// trusting the gzip header's size field.
ic::Bytes gunzip_bounded(const ic::Bytes& gz, const std::filesystem::path& path) {
    z_stream stream{};
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) bad_file(path, "zlib cannot start");
    ic::Bytes out;
    std::array<unsigned char, 65536> buffer{};
    stream.next_in = const_cast<Bytef*>(gz.data());
    stream.avail_in = static_cast<uInt>(gz.size());
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        stream.next_out = buffer.data();
        stream.avail_out = static_cast<uInt>(buffer.size());
        rc = inflate(&stream, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            inflateEnd(&stream);
            bad_file(path, "it starts like gzip but does not decompress (truncated or corrupt)");
        }
        out.insert(out.end(), buffer.data(), buffer.data() + (buffer.size() - stream.avail_out));
        if (out.size() > max_wasm_size) {
            inflateEnd(&stream);
            bad_file(path, "it decompresses to more than the IC's limit of 100 MiB");
        }
        if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) {
            inflateEnd(&stream);
            bad_file(path, "it starts like gzip but ends early (truncated)");
        }
    }
    bool trailing = stream.avail_in != 0;
    inflateEnd(&stream);
    if (trailing) bad_file(path, "it holds bytes after the end of its gzip stream");
    return out;
}

// Reads an unsigned LEB128 of at most 32 bits at `pos`; nullopt when it runs past the end or is
// longer or larger than 32 bits allow.
std::optional<std::uint32_t> read_u32(ic::ByteView bytes, std::size_t& pos) {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        if (pos >= bytes.size()) return std::nullopt;
        std::uint8_t byte = bytes[pos++];
        value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) {
            if (value > 0xffffffffULL) return std::nullopt;
            return static_cast<std::uint32_t>(value);
        }
    }
    return std::nullopt;
}

}  // namespace

void check_wasm_structure(ic::ByteView module, const std::string& what) {
    auto broken = [&](const std::string& why) {
        throw ic::Error(ic::ErrorKind::Usage, what + ": " + why);
    };
    constexpr std::uint8_t version_1[] = {0x01, 0x00, 0x00, 0x00};
    if (!has_wasm_magic(module)) broken("it does not start with \\0asm");
    if (module.size() < 8 || !std::equal(version_1, version_1 + 4, module.begin() + 4)) {
        broken("it is not a version 1 WebAssembly module (bytes 4 to 7)");
    }
    std::size_t pos = 8;
    unsigned index = 0;
    while (pos < module.size()) {
        std::size_t start = pos;
        std::uint8_t id = module[pos++];
        if (id > 13) {
            broken("section " + std::to_string(index) + " at byte " + std::to_string(start) +
                   " has the unknown id " + std::to_string(id) + " (corrupt or padded)");
        }
        auto size = read_u32(module, pos);
        if (!size || *size > module.size() - pos) {
            broken("section " + std::to_string(index) + " at byte " + std::to_string(start) +
                   " runs past the end of the file (" + std::to_string(module.size()) +
                   " bytes): the file is cut short");
        }
        std::size_t end = pos + *size;
        if (id == 0) {
            auto name_size = read_u32(module, pos);
            if (!name_size || pos > end || *name_size > end - pos) {
                broken("custom section " + std::to_string(index) + " at byte " +
                       std::to_string(start) + " has a name longer than the section");
            }
        }
        pos = end;
        ++index;
    }
}

std::optional<ic::Bytes> find_custom_section(ic::ByteView module, std::string_view name,
                                             const std::string& what) {
    check_wasm_structure(module, what);
    std::optional<ic::Bytes> found;
    std::size_t pos = 8;
    while (pos < module.size()) {
        std::uint8_t id = module[pos++];
        std::size_t end = pos + *read_u32(module, pos);  // checked above
        if (id == 0) {
            std::size_t name_size = *read_u32(module, pos);
            std::string_view section_name(reinterpret_cast<const char*>(module.data() + pos),
                                          name_size);
            if (section_name == name) {
                if (found) {
                    throw ic::Error(ic::ErrorKind::Usage,
                                    what + ": it holds two custom sections named '" +
                                        std::string(name) + "'; the IC refuses such a module");
                }
                found = ic::Bytes(module.begin() + static_cast<std::ptrdiff_t>(pos + name_size),
                                  module.begin() + static_cast<std::ptrdiff_t>(end));
            }
        }
        pos = end;
    }
    return found;
}

ic::Bytes module_bytes(const WasmFile& wasm) {
    return wasm.gzipped ? gunzip_bounded(wasm.bytes, wasm.path) : wasm.bytes;
}

std::size_t check_wasm_file_start(const std::filesystem::path& path) {
    const auto size = checked_size(path, max_wasm_size, "Wasm file");
    if (size == 0) bad_file(path, "it is empty; did the build produce it?");
    std::array<char, 4> start{};
    std::ifstream in(path, std::ios::binary);
    in.read(start.data(), start.size());
    if (!in && in.gcount() == 0) {
        throw ic::Error(ic::ErrorKind::Usage, "Wasm file " + path.string() + " cannot be read");
    }
    const ic::Bytes bytes(start.begin(), start.begin() + in.gcount());
    if (!has_gzip_magic(bytes) && !has_wasm_magic(bytes)) {
        bad_file(path, not_a_module);
    }
    return static_cast<std::size_t>(size);
}

WasmFile read_wasm(const std::filesystem::path& path) {
    WasmFile wasm;
    wasm.path = path;
    wasm.bytes = read_all(path, max_wasm_size, "Wasm file", &wasm.hash);
    if (wasm.bytes.empty()) bad_file(path, "it is empty; did the build produce it?");
    if (has_gzip_magic(wasm.bytes)) {
        wasm.gzipped = true;
        ic::Bytes inner = gunzip_bounded(wasm.bytes, path);
        if (!has_wasm_magic(inner))
            bad_file(path, "it is gzip, but what it holds is not WebAssembly");
        check_wasm_structure(inner, "Wasm file " + path.string() + " (inside its gzip)");
        wasm.uncompressed_size = inner.size();
    } else if (has_wasm_magic(wasm.bytes)) {
        check_wasm_structure(wasm.bytes, "Wasm file " + path.string());
        wasm.uncompressed_size = wasm.bytes.size();
    } else {
        bad_file(path, not_a_module);
    }
    return wasm;
}

ic::Bytes read_install_arg(const std::filesystem::path& path, std::size_t max_size) {
    return read_all(path, max_size, "install argument file");
}

}  // namespace juno
