#include "cli/app.hpp"

#include <iostream>

int main(int argc, char **argv) {
  return summit::cli::run(argc, argv, summit::cli::CommandEnvironment::from_process(), std::cout,
                          std::cerr);
}
