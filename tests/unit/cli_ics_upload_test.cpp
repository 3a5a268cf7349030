#include "cli/commands/ics_upload.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

using namespace summit::cli;
using testing::HasSubstr;

TEST(IcsUpload, a_long_file_is_cut_into_full_pieces_and_the_rest_waits_for_more) {
  const std::string text(600 * 1024, 'A');
  EXPECT_EQ(next_piece_length(text, /*at_end=*/false), k_piece_bytes);
  EXPECT_EQ(next_piece_length(std::string_view(text).substr(0, 1000), /*at_end=*/false), 0U);
  EXPECT_EQ(next_piece_length(std::string_view(text).substr(0, 1000), /*at_end=*/true), 1000U);
  EXPECT_EQ(next_piece_length("", /*at_end=*/true), 0U);
}

TEST(IcsUpload, a_piece_never_ends_inside_a_character) {
  // "é" is two bytes: a 7-byte limit must cut after 6.
  const std::string text = "ééééééééé";
  EXPECT_EQ(next_piece_length(text, false, 7, 1000), 6U);
  // "€" is three: after 6 again, not 7 or 8.
  const std::string euros = "€€€€";
  EXPECT_EQ(next_piece_length(euros, false, 8, 1000), 6U);
}

TEST(IcsUpload, a_full_piece_read_so_far_holds_back_a_character_not_yet_complete) {
  // Exactly the limit is pending and the next read has not happened yet:
  // the 3-byte "€" at the end is cut short, so it waits for the next piece.
  const std::string text = std::string(6, 'a') + "\xE2\x82";
  EXPECT_EQ(next_piece_length(text, /*at_end=*/false, 8, 1000), 6U);
  const std::string complete = std::string(5, 'a') + "€";
  EXPECT_EQ(next_piece_length(complete, /*at_end=*/false, 8, 1000), 8U);
  const std::string two_bytes = std::string(7, 'a') + "\xD0";
  EXPECT_EQ(next_piece_length(two_bytes, /*at_end=*/false, 8, 1000), 7U);
}

TEST(IcsUpload, escaping_on_the_wire_bounds_a_piece_too) {
  // CRLF doubles on the wire ("\r\n" is 4 bytes escaped); control bytes take 6.
  const std::string crlf(1000, '\r');
  EXPECT_EQ(next_piece_length(crlf, false, 1000, 100), 50U);
  const std::string control(1000, '\x01');
  EXPECT_EQ(next_piece_length(control, false, 1000, 600), 100U);
}

TEST(IcsUpload, malformed_utf8_is_found_at_its_first_byte) {
  EXPECT_EQ(invalid_utf8_at("SUMMARY:Caf\xE9\r\n"), 11U); // Latin-1 é
  EXPECT_EQ(invalid_utf8_at("ab\xC0\x80"), 2U);           // overlong NUL
  EXPECT_EQ(invalid_utf8_at("\xED\xA0\x80"), 0U);         // a surrogate
  EXPECT_EQ(invalid_utf8_at("x\xE2\x82"), 1U);            // cut short
  EXPECT_EQ(invalid_utf8_at("\xF4\x90\x80\x80"), 0U);     // past U+10FFFF
  EXPECT_EQ(invalid_utf8_at("\x80"), 0U);                 // a lone continuation byte
  EXPECT_FALSE(invalid_utf8_at("Café € 🎉 Минск"));
}

TEST(IcsUpload, sizes_are_read_in_binary_units) {
  EXPECT_EQ(format_bytes(812), "812 B");
  EXPECT_EQ(format_bytes(12 * 1024 + 300), "12.3 KiB");
  EXPECT_EQ(format_bytes(std::uint64_t{5} * 1024 * 1024 / 2), "2.5 MiB");
}

TEST(IcsUpload, the_progress_line_shows_bytes_of_the_size_and_the_percentage) {
  EXPECT_EQ(UploadProgress::line("big.ics", 512 * 1024, 1024 * 1024),
            "Uploading big.ics [##########..........] 512.0 KiB of 1.0 MiB  50%");
  EXPECT_EQ(UploadProgress::line("-", 3000, std::nullopt), "Uploading - 2.9 KiB");
}

TEST(IcsUpload, the_bar_is_redrawn_in_place_and_ends_with_a_newline) {
  std::ostringstream err;
  UploadProgress progress(err, "a.ics", 2048, /*enabled=*/true);
  progress.update(1024);
  progress.update(2048);
  progress.finish();
  EXPECT_EQ(err.str(), "\rUploading a.ics [##########..........] 1.0 KiB of 2.0 KiB  50%"
                       "\rUploading a.ics [####################] 2.0 KiB of 2.0 KiB 100%\n");
}

TEST(IcsUpload, a_disabled_bar_writes_nothing) {
  std::ostringstream err;
  UploadProgress progress(err, "a.ics", 2048, /*enabled=*/false);
  progress.update(1024);
  progress.finish();
  EXPECT_EQ(err.str(), "");
}
