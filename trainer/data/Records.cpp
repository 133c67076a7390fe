#include "data/Records.h"

#include "config/DataFiles.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace corral {

namespace {
constexpr size_t kProblemsShown = 10;

bool isJsonl(const std::string &file)
{
    const auto dot = file.rfind('.');
    const std::string ext = dot == std::string::npos ? "" : file.substr(dot);
    return ext == ".jsonl" || ext == ".json";
}

Error bad(std::string message)
{
    return makeError(ErrorCode::Parse, std::move(message));
}

Result<std::string> stringField(const nlohmann::json &record, const std::string &field, bool required)
{
    const auto it = record.find(field);
    if (it == record.end() || it->is_null()) {
        if (required)
            return bad("missing field '" + field + "'");
        return std::string();
    }
    if (!it->is_string())
        return bad("field '" + field + "' must be a string, got " + std::string(it->type_name()));
    return it->get<std::string>();
}

Result<Document> alpacaDocument(const DataConfig &config, const nlohmann::json &record)
{
    auto instruction = stringField(record, "instruction", true);
    if (!instruction)
        return instruction.error();
    auto input = stringField(record, "input", false);
    if (!input)
        return input.error();
    auto output = stringField(record, "output", true);
    if (!output)
        return output.error();
    std::string prompt = input.value().empty()
        ? "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n"
        : "Below is an instruction that describes a task, paired with an input that provides further context. "
          "Write a response that appropriately completes the request.\n\n";
    prompt += "### Instruction:\n" + instruction.value() + "\n\n";
    if (!input.value().empty())
        prompt += "### Input:\n" + input.value() + "\n\n";
    prompt += "### Response:\n";
    return Document{{{prompt, config.train_on_inputs}, {output.value(), true}}};
}

Result<Document> chatDocument(const DataConfig &config, const nlohmann::json &record)
{
    const auto it = record.find(config.messages_field);
    if (it == record.end())
        return bad("missing field '" + config.messages_field + "'");
    if (!it->is_array() || it->empty())
        return bad("field '" + config.messages_field + "' must be a non-empty list of {role, content}");
    Document doc;
    bool hasResponse = false;
    for (size_t i = 0; i < it->size(); ++i) {
        const auto &message = (*it)[i];
        const std::string where = config.messages_field + "[" + std::to_string(i) + "]";
        if (!message.is_object() || !message.contains("role") || !message.contains("content")
            || !message["role"].is_string() || !message["content"].is_string())
            return bad(where + " must be an object with string 'role' and 'content'");
        const std::string role = message["role"].get<std::string>();
        if (role != "system" && role != "user" && role != "assistant" && role != "tool")
            return bad(where + ": unknown role '" + role + "' (system, user, assistant or tool)");
        const bool response = role == "assistant";
        hasResponse |= response;
        // Llama 3's chat layout; the header is never a target, the turn's text and <|eot_id|> are for responses.
        doc.pieces.push_back({"<|start_header_id|>" + role + "<|end_header_id|>\n\n", config.train_on_inputs});
        doc.pieces.push_back({message["content"].get<std::string>() + "<|eot_id|>", response || config.train_on_inputs});
    }
    if (!hasResponse && !config.train_on_inputs)
        return bad("no assistant message to learn from");
    return doc;
}

}  // namespace

std::vector<Document> documentsFromPlainText(const std::string &text)
{
    std::vector<Document> docs;
    std::string current;
    std::istringstream in(text);
    std::string line;
    auto flush = [&]() {
        const auto b = current.find_first_not_of(" \t\r\n");
        if (b != std::string::npos) {
            const auto e = current.find_last_not_of(" \t\r\n");
            docs.push_back(Document{{{current.substr(b, e - b + 1), true}}});
        }
        current.clear();
    };
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) {
            flush();
        } else {
            current += line;
            current += '\n';
        }
    }
    flush();
    return docs;
}

Result<Document> documentFromRecord(const DataConfig &config, const std::string &jsonLine)
{
    const auto record = nlohmann::json::parse(jsonLine, nullptr, /*allow_exceptions=*/false);
    if (record.is_discarded())
        return bad("invalid JSON");
    if (!record.is_object())
        return bad("a record must be a JSON object, got " + std::string(record.type_name()));
    if (config.format == "alpaca")
        return alpacaDocument(config, record);
    if (config.format == "chat")
        return chatDocument(config, record);
    auto text = stringField(record, config.text_field, true);
    if (!text)
        return text.error();
    if (text.value().find_first_not_of(" \t\r\n") == std::string::npos)
        return bad("field '" + config.text_field + "' is empty");
    return Document{{{text.value(), true}}};
}

Result<LoadedDocuments> loadDocuments(const DataConfig &config)
{
    LoadedDocuments loaded;
    for (size_t entry = 0; entry < config.files.size(); ++entry) {
        const auto files = expandDataEntry(config.files[entry]);
        if (files.empty())
            return makeError(ErrorCode::NotFound, "no data file matches '" + config.files[entry] + "'",
                             "data.files[" + std::to_string(entry) + "]");
        for (const auto &file : files) {
            std::ifstream in(file, std::ios::binary);
            if (!in)
                return makeError(ErrorCode::NotFound, "cannot open data file '" + file + "'", "data.files");
            if (!isJsonl(file)) {
                if (config.format != "text")
                    return makeError(ErrorCode::InvalidArgument,
                                     "the " + config.format + " format needs JSONL files (.jsonl), got '" + file + "'",
                                     "data.format");
                std::ostringstream text;
                text << in.rdbuf();
                auto docs = documentsFromPlainText(text.str());
                loaded.records += static_cast<int64_t>(docs.size());
                loaded.documents.insert(loaded.documents.end(), docs.begin(), docs.end());
                continue;
            }
            std::string line;
            int64_t number = 0;
            while (std::getline(in, line)) {
                ++number;
                if (line.find_first_not_of(" \t\r") == std::string::npos)
                    continue;
                ++loaded.records;
                auto doc = documentFromRecord(config, line);
                if (doc)
                    loaded.documents.push_back(std::move(doc).value());
                else
                    loaded.problems.push_back({file, number, doc.error().message});
            }
        }
    }
    const auto badCount = static_cast<double>(loaded.problems.size());
    if (badCount > 0 && badCount > config.max_bad_fraction * static_cast<double>(loaded.records)) {
        std::string message = std::to_string(loaded.problems.size()) + " of " + std::to_string(loaded.records)
            + " records are bad, more than data.max_bad_fraction (" + std::to_string(config.max_bad_fraction) + "):";
        for (size_t i = 0; i < loaded.problems.size() && i < kProblemsShown; ++i)
            message += "\n  " + loaded.problems[i].toString();
        if (loaded.problems.size() > kProblemsShown)
            message += "\n  … and " + std::to_string(loaded.problems.size() - kProblemsShown) + " more";
        return makeError(ErrorCode::Validation, message, "data.files");
    }
    return loaded;
}

}  // namespace corral
