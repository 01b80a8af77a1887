// Compiled with the shared precompiled header so that CMake emits the rule that builds it.
