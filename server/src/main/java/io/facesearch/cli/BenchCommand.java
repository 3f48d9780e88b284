package io.facesearch.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", description = "Benchmarks.")
final class BenchCommand {}
