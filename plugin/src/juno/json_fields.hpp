// Small pieces the helper's own JSON files (journal.hpp, records.hpp) write alike.
#pragma once

#include <optional>

#include "ic/bytes.hpp"

namespace juno {

// `"key": "<hex>"`, or `"key": null` when there are no bytes; for any RapidJSON writer.
template <typename Writer>
void write_optional_hex(Writer& w, const char* key, const std::optional<ic::Bytes>& bytes) {
    w.Key(key);
    if (bytes) {
        w.String(ic::to_hex(*bytes).c_str());
    } else {
        w.Null();
    }
}

}  // namespace juno
