// Runs a libFuzzer harness without libFuzzer (any compiler: g++ 12 has none), for the replays ctest
// runs (and, built with -DPTINSTALL_SANITIZE=ON, under ASan and UBSan):
//   <harness> [--lines FILE]... [--mutations N] [--seed S] [FILE_OR_DIR]...
// FILE_OR_DIR: whole files are inputs (tests/fuzz/corpus/<harness>/, libFuzzer crash files);
// --lines FILE: every line of FILE is an input; --mutations N: N more inputs, each made by mutating
// an input (a corpus file or a line) a few times, deterministic for a given --seed. A failing input
// aborts inside the harness; the input is printed first (escaped) and, with PTINSTALL_FUZZ_CRASH_DIR
// set, written whole to a file there for replay (`<harness> that-file`).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
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
  size_t shown = 0;
  for (unsigned char c : current) {
    if (++shown > 4000) {
      std::fputs("...", stderr);
      break;
    }
    if (c >= 0x20 && c < 0x7f && c != '\\') std::fputc(c, stderr);
    else std::fprintf(stderr, "\\x%02x", c);
  }
  std::fputc('\n', stderr);
  if (const char* dir = std::getenv("PTINSTALL_FUZZ_CRASH_DIR")) {
    std::string path = std::string(dir) + "/crash-input";
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
      std::fwrite(current.data(), 1, current.size(), f);
      std::fclose(f);
      std::fprintf(stderr, "written to %s\n", path.c_str());
    }
  }
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One input changed one to four times: a character inserted, erased, replaced or repeated, a piece of
// another input spliced in, or a byte flipped (the characters the parsers care about are likelier).
std::string mutate(std::mt19937& rng, const std::vector<std::string>& seeds) {
  static const std::string alphabet =
      "0123456789..!!++--__**~=<>=,, abcdeprvostxABCDEPRV\t;)(\n\r\x01\xff[]{}\"'#@:/\\=$<>&";
  std::string s = seeds[rng() % seeds.size()];
  int ops = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < ops; ++i) {
    size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 6) {
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
      case 4:
        if (!s.empty() && pos < s.size()) s[pos] = static_cast<char>(s[pos] ^ (1u << (rng() % 8)));
        break;
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
  std::vector<std::string> inputs;
  size_t mutations = 0;
  unsigned seed = 440;
  auto add_file = [&](const std::filesystem::path& p) { inputs.push_back(read_file(p)); };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--lines" && i + 1 < argc) {
      std::ifstream in(argv[++i]);
      if (!in) {
        std::cerr << "cannot read " << argv[i] << "\n";
        return 2;
      }
      std::string line;
      while (std::getline(in, line)) inputs.push_back(line);
    } else if (arg == "--mutations" && i + 1 < argc) {
      mutations = std::stoul(argv[++i]);
    } else if (arg == "--seed" && i + 1 < argc) {
      seed = static_cast<unsigned>(std::stoul(argv[++i]));
    } else if (std::filesystem::is_directory(arg)) {
      // Sorted, so that the inputs, and the mutations drawn from them, are the same on every machine.
      std::vector<std::filesystem::path> files;
      for (const auto& e : std::filesystem::recursive_directory_iterator(arg))
        if (e.is_regular_file()) files.push_back(e.path());
      std::sort(files.begin(), files.end());
      for (const auto& f : files) add_file(f);
    } else if (std::filesystem::exists(arg)) {
      add_file(arg);
    } else {
      std::cerr << "usage: " << argv[0] << " [--lines FILE]... [--mutations N] [--seed S] [FILE_OR_DIR]...\n";
      return 2;
    }
  }
  for (const auto& in : inputs) run(in);
  std::mt19937 rng(seed);
  if (inputs.empty()) mutations = 0;
  for (size_t i = 0; i < mutations; ++i) run(mutate(rng, inputs));
  std::cout << "ran " << inputs.size() << " corpus inputs and " << mutations << " mutations\n";
  return 0;
}
