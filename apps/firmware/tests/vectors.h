#pragma once
#include <string>

// Runs every conformance vector file found under <packages>/protocol/vectors and <packages>/device-model/vectors.
// Prints one line per failing vector (with its name) and a summary per file; returns the number of failures.
// A missing vectors directory is reported and counted as a failure, so a broken path cannot pass silently.
int runAllVectors(const std::string& packagesDir);
