// README.md's "Using it" session, run as written through the real summit
// and summitd: every command of its console blocks up to "How time works",
// compared with the lines the README shows (summit: lines with stderr, the
// rest with stdout). A command followed by a comment shows no output in the
// README, so its output is not compared.

#include "support/summit_fixture.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace summit::e2e;

namespace {

struct Step {
  std::vector<std::string> args; // after "summit"
  std::string out;               // the lines the README shows on stdout
  std::string err;               // ... and on stderr
  bool compared = true;
};

// Splits a shell command line as the README writes them: words separated by
// blanks, double quotes around words with blanks, nothing else.
std::vector<std::string> shell_words(const std::string &line) {
  std::vector<std::string> words;
  std::string word;
  bool quoted = false;
  bool in_word = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
      in_word = true;
    } else if ((c == ' ' || c == '\t') && !quoted) {
      if (in_word) {
        words.push_back(word);
        word.clear();
        in_word = false;
      }
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) {
    words.push_back(word);
  }
  return words;
}

std::vector<Step> readme_session() {
  std::ifstream in(std::string(SUMMIT_SOURCE_DIR) + "/README.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  const auto from = readme.find("## Using it");
  const auto to = readme.find("### How time works");
  std::istringstream section(readme.substr(from, to - from));
  std::vector<Step> steps;
  bool in_console = false;
  std::string line;
  while (std::getline(section, line)) {
    if (line == "```console") {
      in_console = true;
    } else if (line == "```") {
      in_console = false;
    } else if (in_console && line.rfind("$ summit ", 0) == 0) {
      std::string command = line.substr(9);
      while (!command.empty() && command.back() == '\\' && std::getline(section, line)) {
        command.pop_back();
        command += line;
      }
      Step step;
      if (const auto comment = command.find('#'); comment != std::string::npos) {
        command.erase(comment);
        step.compared = false;
      }
      step.args = shell_words(command);
      steps.push_back(step);
    } else if (in_console && !steps.empty()) {
      (line.rfind("summit: ", 0) == 0 ? steps.back().err : steps.back().out) += line + "\n";
    }
  }
  return steps;
}

} // namespace

using Readme = SummitTest;

TEST_F(Readme, the_using_it_session_prints_what_the_readme_shows) {
  const std::vector<Step> steps = readme_session();
  ASSERT_GE(steps.size(), 10U) << "README.md's session was not found";
  for (const Step &step : steps) {
    const ProcessResult result = summit(step.args, "Europe/London");
    std::string shown = "summit";
    for (const std::string &arg : step.args) {
      shown += " " + arg;
    }
    if (step.compared) {
      EXPECT_EQ(result.out, step.out) << shown;
      EXPECT_EQ(result.err, step.err) << shown;
    }
  }
}
