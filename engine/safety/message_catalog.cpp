// Loading and rendering the safety messages (see message_catalog.hpp). Rendering happens once per
// locale when the gate is built: placeholders are filled from the region's resources, so the
// crisis path at turn time copies a finished message and cannot fail.

#include "engine/safety/message_catalog.hpp"

#include "engine/safety/data_file.hpp"

#include <algorithm>
#include <stdexcept>

namespace heregoes::safety {
namespace {

using json = nlohmann::json;

constexpr int messages_schema_version = 1;

constexpr data_file_kind messages_file{
    "the safety messages file", "bad_messages", messages_schema_version, max_messages_file_bytes};

// The messages the gate sends, with their topic, flags and quick replies.
struct message_spec {
    std::string_view id;
    heregoes::topic topic;
    std::uint32_t flags;
    std::vector<std::string_view> choices;
};

const std::vector<message_spec>& message_specs() {
    static const std::vector<message_spec> specs = {
        {"safety.check",
         topic::crisis,
         flag_crisis,
         {"safety.yes", "safety.not_now", "safety.rather_not", "safety.help_now"}},
        {"safety.crisis.self_harm", topic::crisis, flag_crisis, {"safety.back", "safety.help_now"}},
        {"safety.crisis.child", topic::crisis, flag_crisis, {"safety.back", "safety.help_now"}},
        {"safety.crisis.domestic", topic::crisis, flag_crisis, {"safety.back", "safety.help_now"}},
        {"safety.crisis.elder", topic::crisis, flag_crisis, {"safety.back", "safety.help_now"}},
        {"safety.crisis.others", topic::crisis, flag_crisis, {"safety.back", "safety.help_now"}},
        {"safety.crisis.help", topic::crisis, flag_crisis, {"safety.back", "safety.help_now"}},
        // Advice when someone else is at risk now (clinical.md §5.4). No replies of their own: the
        // dialog is not paused and carries on under them with its own choices.
        {"safety.third_party.self_harm", topic::crisis, flag_crisis, {}},
        {"safety.third_party.child", topic::crisis, flag_crisis, {}},
        {"safety.third_party.adult", topic::crisis, flag_crisis, {}},
        {"safety.third_party.domestic", topic::crisis, flag_crisis, {}},
        {"safety.third_party.threat", topic::crisis, flag_crisis, {}},
        {"safety.paused", topic::crisis, flag_crisis, {"safety.back", "safety.help_now"}},
        {"safety.ack_no", topic::crisis, flag_crisis, {}},
        {"safety.rather_not", topic::crisis, flag_crisis, {}},
        {"safety.back", topic::crisis, flag_crisis, {}},
        {"safety.help_line", topic::crisis, flag_help_note, {}},
        {"safety.disclosure", topic::about, flag_disclosure, {}},
    };
    return specs;
}

// Building blocks the messages are assembled from; not sent on their own.
constexpr std::string_view part_ids[] = {
    "part.who_reads.unread",
    "part.who_reads.read",
    "part.chat_reader.unread",
    "part.chat_reader.read",
    "part.quick_exit",
    "part.silent_call",
    "part.adult_safeguarding",
    "contact.call",
    "contact.text",
    "contact.text_keyword",
    "contact.call_or_text",
    "contact.chat",
    "contact.web",
    "contact.email",
    "entry",
    "entry.with_hours",
    "list.or",
    "list.comma",
    "list.entries",
};

// The string id of a quick reply's label: "label.safety.yes".
std::string label_id(std::string_view choice_id) {
    return "label." + std::string(choice_id);
}

// Fills {name} placeholders from `vars`; an unknown name is an error naming the string.
expected<std::string> fill(std::string_view text,
                           const std::map<std::string, std::string, std::less<>>& vars,
                           const std::string& where) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t open = text.find('{', i);
        if (open == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        const std::size_t close = text.find('}', open);
        if (close == std::string_view::npos) {
            return fail("bad_messages", "a { has no closing }", where);
        }
        out.append(text.substr(i, open - i));
        const std::string_view name = text.substr(open + 1, close - open - 1);
        const auto it = vars.find(name);
        if (it == vars.end()) {
            return fail("bad_messages", "unknown placeholder {" + std::string(name) + "}", where);
        }
        out += it->second;
        i = close + 1;
    }
    // An empty optional part leaves doubled or trailing spaces behind; tidy them.
    std::string tidy;
    for (const char c : out) {
        if (c == ' ' && (tidy.empty() || tidy.back() == ' ' || tidy.back() == '\n')) {
            continue;
        }
        tidy += c;
    }
    while (!tidy.empty() && tidy.back() == ' ') {
        tidy.pop_back();
    }
    return tidy;
}

class renderer {
public:
    renderer(const message_strings& s)
        : s_(s) {}

    const std::string& str(std::string_view id) const { return s_.strings.find(id)->second; }

    std::string join(const std::vector<std::string>& items) const {
        std::string out;
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i > 0) {
                out += i + 1 == items.size() ? str("list.or") : str("list.comma");
            }
            out += items[i];
        }
        return out;
    }

    expected<std::string> contact_text(const contact& c) const {
        std::map<std::string, std::string, std::less<>> v = {{"value", c.value},
                                                             {"keyword", c.keyword}};
        const std::string id =
            c.kind == "text" && !c.keyword.empty() ? "contact.text_keyword" : "contact." + c.kind;
        return fill(str(id), v, where(id));
    }

    expected<std::string> entry_text(const resource_entry& e) const {
        std::vector<std::string> parts;
        std::vector<bool> used(e.contacts.size(), false);
        for (std::size_t i = 0; i < e.contacts.size(); ++i) {
            if (used[i]) {
                continue;
            }
            const contact& c = e.contacts[i];
            // "call or text 988" reads better than "call 988 or text 988".
            if (c.kind == "call") {
                for (std::size_t j = i + 1; j < e.contacts.size(); ++j) {
                    const contact& d = e.contacts[j];
                    if (!used[j] && d.kind == "text" && d.keyword.empty() && d.value == c.value) {
                        used[j] = true;
                        auto t = fill(str("contact.call_or_text"),
                                      {{"value", c.value}},
                                      where("contact.call_or_text"));
                        if (!t) {
                            return t.error();
                        }
                        parts.push_back(std::move(*t));
                        used[i] = true;
                        break;
                    }
                }
                if (used[i]) {
                    continue;
                }
            }
            auto t = contact_text(c);
            if (!t) {
                return t.error();
            }
            parts.push_back(std::move(*t));
        }
        const std::string id = e.hours.empty() ? "entry" : "entry.with_hours";
        return fill(str(id),
                    {{"service", e.service}, {"contacts", join(parts)}, {"hours", e.hours}},
                    where(id));
    }

    expected<std::string> entries_text(const std::vector<const resource_entry*>& entries) const {
        std::string out;
        for (const auto* e : entries) {
            auto t = entry_text(*e);
            if (!t) {
                return t.error();
            }
            if (!out.empty()) {
                out += str("list.entries");
            }
            out += *t;
        }
        return out;
    }

    std::string where(std::string_view id) const {
        return s_.where + "#/strings/" + std::string(id);
    }

private:
    const message_strings& s_;
};

std::vector<const resource_entry*> concat(std::vector<const resource_entry*> a,
                                          const std::vector<const resource_entry*>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

} // namespace

const std::vector<std::string>& required_message_ids() {
    static const std::vector<std::string> ids = [] {
        std::vector<std::string> out;
        for (const auto& spec : message_specs()) {
            out.emplace_back(spec.id);
            for (const auto c : spec.choices) {
                out.push_back(label_id(c));
            }
        }
        for (const auto p : part_ids) {
            out.emplace_back(p);
        }
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }();
    return ids;
}

expected<message_strings> parse_messages(std::string_view json_text, std::string_view where) {
    const std::string file(where);
    auto parsed = parse_data_file(json_text, file, messages_file);
    if (!parsed) {
        return parsed.error();
    }
    const json& doc = *parsed;
    message_strings out;
    out.where = file;
    const auto locale = doc.find("locale");
    if (locale == doc.end() || !locale->is_string() || locale->get<std::string>().empty()) {
        return fail("bad_messages", "locale must name the file's locale", file + "#/locale");
    }
    out.locale = locale->get<std::string>();
    const auto strings = doc.find("strings");
    if (strings == doc.end() || !strings->is_object()) {
        return fail("bad_messages", "strings must map message ids to text", file + "#/strings");
    }
    for (const auto& [id, text] : strings->items()) {
        if (!text.is_string()) {
            return fail("bad_messages", "a string must be text", file + "#/strings/" + id);
        }
        out.strings.emplace(id, text.get<std::string>());
    }
    for (const auto& id : required_message_ids()) {
        if (out.strings.find(id) == out.strings.end()) {
            return fail("bad_messages",
                        "the string \"" + id + "\" is missing; every locale needs it",
                        file + "#/strings");
        }
    }
    return out;
}

expected<message_strings> load_messages(const std::string& path) {
    auto text = read_data_file(path, messages_file);
    if (!text) {
        return text.error();
    }
    return parse_messages(*text, path);
}

expected<message_catalog> message_catalog::render(const message_strings& strings,
                                                  const region_resources& region,
                                                  const message_options& options) {
    const renderer r(strings);
    std::map<std::string, std::string, std::less<>> vars;

    std::vector<std::string> emergency_numbers;
    for (const auto* e : region.with_role("emergency")) {
        for (const auto& c : e->contacts) {
            if (c.kind == "call") {
                emergency_numbers.push_back(c.value);
            }
        }
    }
    vars["emergency"] = r.join(emergency_numbers);

    const auto crisis = region.with_role("crisis");
    const auto directory = region.with_role("directory");
    const auto support =
        crisis.empty() ? directory : concat(crisis, region.with_role("urgent_care"));
    const auto first = crisis.empty() ? directory : std::vector<const resource_entry*>{crisis[0]};
    const auto child = region.with_role("child");
    const auto child_concern = region.with_role("child_concern");
    const auto domestic = region.with_role("domestic_abuse");
    for (auto [name, list] :
         {std::pair{"crisis_lines", support},
          std::pair{"crisis_first", first},
          std::pair{"child_lines", child.empty() ? support : child},
          std::pair{"child_concern_lines", child_concern.empty() ? support : child_concern},
          std::pair{"domestic_lines", domestic.empty() ? support : domestic}}) {
        auto text = r.entries_text(list);
        if (!text) {
            return text.error();
        }
        vars[name] = std::move(*text);
    }
    vars["code"] = region.silent_call_code;

    // Parts, which may use the variables above.
    auto part = [&](std::string_view id) {
        return fill(r.str(id), vars, r.where(id));
    };
    auto who = part(options.chat_is_read ? "part.who_reads.read" : "part.who_reads.unread");
    // The same fact without "I'm an automated guide", for a message that has just said so.
    auto reader = part(options.chat_is_read ? "part.chat_reader.read" : "part.chat_reader.unread");
    auto exit = part("part.quick_exit");
    auto silent = part("part.silent_call");
    auto adult = part("part.adult_safeguarding");
    for (auto* p : {&who, &reader, &exit, &silent, &adult}) {
        if (!*p) {
            return p->error();
        }
    }
    vars["who_reads"] = *who;
    vars["chat_reader"] = *reader;
    vars["quick_exit"] = options.quick_exit ? *exit : std::string();
    vars["silent_call"] = region.silent_call_code.empty() ? std::string() : *silent;
    vars["adult_safeguarding"] = *adult;
    auto help_line = part("safety.help_line");
    if (!help_line) {
        return help_line.error();
    }
    vars["help_line"] = *help_line;

    message_catalog catalog;
    for (const auto& spec : message_specs()) {
        auto text = fill(r.str(spec.id), vars, r.where(spec.id));
        if (!text) {
            return text.error();
        }
        bot_message m;
        m.id = std::string(spec.id);
        m.topic = spec.topic;
        m.text = std::move(*text);
        m.flags = spec.flags;
        for (const auto c : spec.choices) {
            m.choices.push_back(choice{std::string(c), r.str(label_id(c))});
        }
        catalog.messages_.emplace(m.id, std::move(m));
    }
    return catalog;
}

const bot_message& message_catalog::get(std::string_view id) const {
    const auto it = messages_.find(id);
    if (it == messages_.end()) {
        throw std::logic_error("safety message id not rendered: " + std::string(id));
    }
    return it->second;
}

} // namespace heregoes::safety
