// What a call that should fail says: the util::Error's message or hint, or "no error" when the
// call succeeded (so a CHECK against the expected text fails with a readable value).
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

template <class F>
std::string error_hint(F&& call) {
  try {
    call();
  } catch (const util::Error& e) {
    return e.hint();
  }
  return "no error";
}

}  // namespace ptinstall::test
