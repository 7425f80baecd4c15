#pragma once

// The risk categories the pattern packs name, as bits. One message's matches are a bitset; the
// session keeps the bitsets of its last few messages (safety_state::recent) and never the text,
// so a risk split across two messages is still seen. The names are the keys of the pack files.

#include <cstdint>
#include <optional>
#include <string_view>

namespace heregoes::safety {

enum class risk_category : std::uint8_t {
    passive_ideation,  // wishing not to wake up, wanting everything to stop
    active_ideation,   // stated wish or intent to end one's life
    imminent_act,      // something already taken or done, or the act under way
    method_seeking,    // asking how much, how many or what would be lethal
    method_location,   // asking about heights, bridges, tracks: risky only with distress around it
    preparatory_act,   // giving things away, goodbye letters
    burdensomeness,    // "everyone would be better off without me"
    future_absence,    // "I won't be around anyway"
    self_harm,         // current self-harm
    self_harm_severe,  // self-harm with a serious or worsening wound
    harm_to_others,    // a threat or plan to hurt another person
    child_abuse,       // a child being abused, told by the child
    minor_cue,         // the writer says they are a child ("I'm 14", "my teacher at school")
    domestic_abuse,    // intimate-partner or household violence
    elder_abuse,       // an older or dependent adult being harmed or exploited
    timing_cue,        // "tonight's the night": imminent only next to another cue
    means_cue,         // "I've got everything I need": imminent only next to another cue
    seriousness_cue,   // "not joking this time": raises risk, never negates it
    distress,          // a stressor or despair (job loss, "can't cope"): context only
    hopelessness,      // "what's the point", "can't do this anymore": risk with context
    identity_question, // "are you a bot?", "is this a real person?"
    // Someone else at risk now, told by the person writing (clinical.md §5.4, T14): they get
    // advice on helping that person, and the dialog carries on.
    third_party_self_harm, // another person says they will end their life or hurt themselves
    third_party_child,     // a child the writer knows is being harmed now
    third_party_abuse,     // an adult the writer knows is being hurt by a partner or family now
    privacy_command,       // "delete my data": a command that works even while paused
    // Added after the others so the category bits sessions have saved keep their meaning.
    third_party_threat, // someone the writer knows says they will hurt or kill another person
};

inline constexpr std::size_t risk_category_count = 26;

using risk_bits = std::uint32_t;

// The bit of one category in a risk_bits set.
constexpr risk_bits bit(risk_category c) noexcept {
    return risk_bits{1} << static_cast<unsigned>(c);
}

// The category's name as written in the pack files ("passive_ideation").
std::string_view to_string(risk_category c) noexcept;

// Whether the category means someone other than the writer is at risk now (the third-party
// categories and elder abuse): the only categories a someone_else guard may mark a span as.
constexpr bool is_about_someone_else(risk_category c) noexcept {
    return c == risk_category::third_party_self_harm || c == risk_category::third_party_child ||
           c == risk_category::third_party_abuse || c == risk_category::elder_abuse ||
           c == risk_category::third_party_threat;
}

// Parses a category name; nullopt when the pack names a category that does not exist.
std::optional<risk_category> risk_category_from_string(std::string_view name) noexcept;

} // namespace heregoes::safety
