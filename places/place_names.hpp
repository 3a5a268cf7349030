#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace summit::places {

// The key a place name is stored and looked up under, so that the ways
// people type one name meet: lower case (ASCII, Latin, Greek, Cyrillic),
// Latin letters without their accents ("Chișinău" and "Chişinău" are
// "chisinau", "München" is "munchen", "Łódź" is "lodz"), the marks that
// shorten or join words dropped ("D.C." is "dc", "Kazan'" is "kazan"),
// every other punctuation and blank a single space ("Saint-Pierre" is
// "saint pierre"), and a leading "St"/"Ste" spelt out ("St Petersburg" is
// "saint petersburg"). Text that is not UTF-8 keeps its bytes.
std::string place_key(std::string_view name);

// The first letters of a key's words, short words ("of", "and", "the")
// left out: "district of columbia" gives "dc", "united states" "us". Empty
// for a one-word key.
std::string initials(std::string_view key);

// Whether `text` has a byte outside ASCII.
bool has_non_ascii(std::string_view text);

// The comma- (or semicolon-) separated parts of a location, each trimmed,
// empty parts left out: "Palace of Independence, Minsk, Belarus".
std::vector<std::string_view> location_parts(std::string_view location);

} // namespace summit::places
