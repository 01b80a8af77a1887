// Runs a libFuzzer harness without libFuzzer (any compiler), for the smoke tests ctest runs:
//   <harness> [--lines FILE]... [--mutations N] [--seed S] [FILE_OR_DIR]...
// --lines FILE: every line of FILE is an input; FILE_OR_DIR: whole files (e.g. libFuzzer crash
// files) are inputs; --mutations N: N more inputs made by mutating the line inputs (deterministic
// for a given --seed). A failing input aborts inside the harness; the input is printed first.
#include <cstdint>
#include <cstdio>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::string current;

void run(const std::string& input) {
  current = input;
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

void on_abort(int) {
  std::fprintf(stderr, "failing input (%zu bytes): ", current.size());
  for (unsigned char c : current) {
    if (c >= 0x20 && c < 0x7f && c != '\\') std::fputc(c, stderr);
    else std::fprintf(stderr, "\\x%02x", c);
  }
  std::fputc('\n', stderr);
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string mutate(std::mt19937& rng, const std::vector<std::string>& seeds) {
  static const std::string alphabet = "0123456789..!!++--__**~=<>=,, abcdeprvostxABCDEPRV\t;)\n\x01\xff";
  std::string s = seeds[rng() % seeds.size()];
  int ops = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < ops; ++i) {
    size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 5) {
      case 0: s.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
      case 1:
        if (!s.empty() && pos < s.size()) s.erase(pos, 1 + rng() % 3);
        break;
      case 2:
        if (!s.empty() && pos < s.size()) s[pos] = alphabet[rng() % alphabet.size()];
        break;
      case 3: {
        const std::string& other = seeds[rng() % seeds.size()];
        size_t from = other.empty() ? 0 : rng() % other.size();
        s.insert(pos, other.substr(from, 1 + rng() % 8));
        break;
      }
      default:
        if (!s.empty() && pos < s.size()) s.insert(pos, s.substr(pos, 1 + rng() % 4));
        break;
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGABRT, on_abort);
  std::vector<std::string> lines;
  size_t mutations = 0, whole = 0;
  unsigned seed = 440;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--lines" && i + 1 < argc) {
      std::ifstream in(argv[++i]);
      if (!in) {
        std::cerr << "cannot read " << argv[i] << "\n";
        return 2;
      }
      std::string line;
      while (std::getline(in, line)) lines.push_back(line);
    } else if (arg == "--mutations" && i + 1 < argc) {
      mutations = std::stoul(argv[++i]);
    } else if (arg == "--seed" && i + 1 < argc) {
      seed = static_cast<unsigned>(std::stoul(argv[++i]));
    } else if (std::filesystem::is_directory(arg)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(arg))
        if (e.is_regular_file()) run(read_file(e.path())), ++whole;
    } else if (std::filesystem::exists(arg)) {
      run(read_file(arg));
      ++whole;
    } else {
      std::cerr << "usage: " << argv[0] << " [--lines FILE]... [--mutations N] [--seed S] [FILE_OR_DIR]...\n";
      return 2;
    }
  }
  for (const auto& l : lines) run(l);
  std::mt19937 rng(seed);
  if (!lines.empty())
    for (size_t i = 0; i < mutations; ++i) run(mutate(rng, lines));
  std::cout << "ran " << whole + lines.size() + (lines.empty() ? 0 : mutations) << " inputs\n";
  return 0;
}
