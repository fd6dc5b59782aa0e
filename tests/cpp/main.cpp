// Catch2's main lives alone: it takes ~17 s to compile under em++, and this way only once.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
