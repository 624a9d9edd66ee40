// What the helper prints: aligned human text on stdout, or one JSON document with --json.
// Progress and notices go to stderr so that stdout stays parseable.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <utility>
#include <vector>

#include "ic/error.hpp"

namespace cli {

class Output {
public:
    explicit Output(bool json) : json_(json) { document_.SetObject(); }

    bool json() const { return json_; }
    rapidjson::Document& document() { return document_; }
    rapidjson::Document::AllocatorType& allocator() { return document_.GetAllocator(); }

    // Human output: "label  value" rows, aligned when flushed.
    void row(std::string label, std::string value);
    void line(const std::string& text);

    // Prints the rows, or the JSON document, on stdout.
    void flush();

    static void notice(const std::string& text);  // stderr, one line (juno::console())
    // Prints an error (stderr; and a JSON error object on stdout with --json).
    static void error(const ic::Error& error, bool json);

private:
    bool json_;
    rapidjson::Document document_;
    std::vector<std::pair<std::string, std::string>> rows_;
    std::vector<std::string> lines_;
};

// JSON helpers
rapidjson::Value json_string(const std::string& text, rapidjson::Document::AllocatorType& a);

}  // namespace cli
