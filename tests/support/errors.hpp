// What a call that should fail says: the util::Error's message, hint or kind, or "no error" when
// the call succeeded (so a CHECK against the expected text fails with a readable value).
#pragma once
#include <string>

#include "ptinstall/util/error.hpp"

namespace ptinstall::test {

template <class F>
std::string error_message(F&& call) {
  try {
    call();
  } catch (const util::Error& e) {
    return e.what();
  }
  return "no error";
}

// The message, with the hint put into *hint.
template <class F>
std::string error_message(F&& call, std::string* hint) {
  try {
    call();
  } catch (const util::Error& e) {
    if (hint) *hint = e.hint();
    return e.what();
  }
  return "no error";
}

template <class F>
std::string error_hint(F&& call) {
  try {
    call();
  } catch (const util::Error& e) {
    return e.hint();
  }
  return "no error";
}

// The kind as to_string() writes it ("network", "hash", ...); "not a util::Error" for any other exception.
template <class F>
std::string error_kind(F&& call) {
  try {
    call();
  } catch (const util::Error& e) {
    return std::string(util::to_string(e.kind()));
  } catch (...) {
    return "not a util::Error";
  }
  return "no error";
}

}  // namespace ptinstall::test
