#include "cli/output.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <iostream>

#include "juno/console.hpp"

namespace cli {

rapidjson::Value json_string(const std::string& text, rapidjson::Document::AllocatorType& a) {
    return rapidjson::Value(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), a);
}

void Output::row(std::string label, std::string value) {
    rows_.emplace_back(std::move(label), std::move(value));
}

void Output::line(const std::string& text) { lines_.push_back(text); }

namespace {

void print_json(const rapidjson::Document& doc) {
    rapidjson::StringBuffer buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
    writer.SetIndent(' ', 2);
    doc.Accept(writer);
    std::cout << buffer.GetString() << '\n';
}

}  // namespace

void Output::flush() {
    if (json_) {
        print_json(document_);
        return;
    }
    std::size_t width = 0;
    for (const auto& [label, value] : rows_) width = std::max(width, label.size());
    for (const auto& [label, value] : rows_) {
        std::cout << label << std::string(width - label.size() + 2, ' ') << value << '\n';
    }
    for (const auto& text : lines_) std::cout << text << '\n';
    std::cout.flush();
}

void Output::notice(const std::string& text) { juno::console().notice(text); }

void Output::error(const ic::Error& error, bool json) {
    juno::console().error(error.what());
    if (!json) return;
    rapidjson::Document doc;
    doc.SetObject();
    auto& a = doc.GetAllocator();
    rapidjson::Value body(rapidjson::kObjectType);
    body.AddMember("kind", json_string(ic::to_string(error.kind()), a), a);
    body.AddMember("message", json_string(error.what(), a), a);
    if (auto* reject = dynamic_cast<const ic::RejectError*>(&error)) {
        body.AddMember("reject_code", reject->reject_code(), a);
        body.AddMember("reject_message", json_string(reject->reject_message(), a), a);
        if (!reject->error_code().empty()) {
            body.AddMember("error_code", json_string(reject->error_code(), a), a);
        }
    }
    body.AddMember("exit_code", ic::exit_code(error.kind()), a);
    doc.AddMember("error", body, a);
    print_json(doc);
}

}  // namespace cli
