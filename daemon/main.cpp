#include "daemon/app/fatal.hpp"
#include "daemon/app/run.hpp"

#include <exception>
#include <iostream>

int main(int argc, char **argv) {
  try {
    return summit::daemon::run(argc, argv);
  } catch (const summit::daemon::Fatal &e) {
    std::cerr << "summitd: " << e.what() << '\n';
    return e.exit_code();
  } catch (const std::exception &e) {
    std::cerr << "summitd: unexpected error: " << e.what() << '\n';
    return summit::daemon::k_exit_general;
  }
}
