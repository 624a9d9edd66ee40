#include "juno/transfer/byte_progress.hpp"

#include <memory>

namespace juno::transfer {

ByteProgress plain_byte_lines(Progress progress, std::string verb) {
    auto last_tenth = std::make_shared<int>(-1);
    return [progress = std::move(progress), verb = std::move(verb), last_tenth](
               std::uint64_t done, std::uint64_t total) {
        if (total == 0) return;
        int tenth = static_cast<int>(done * 10 / total);
        if (tenth == *last_tenth) return;
        *last_tenth = tenth;
        progress(verb + " " + format_size(done) + " of " + format_size(total) + " (" +
                 std::to_string(tenth * 10) + "%)");
    };
}

}  // namespace juno::transfer
