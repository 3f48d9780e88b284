package io.facesearch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** Draws a soak's samples as one PNG of four panels (memory, threads and fds, latency, throughput) with XChart. */
public final class SoakPlot {

  private SoakPlot() {}

  public static List<SoakSample> read(Path csv) throws IOException {
    return Files.readAllLines(csv).stream()
        .skip(1)
        .filter(l -> !l.isBlank())
        .map(SoakSample::parse)
        .toList();
  }

  public static void write(List<SoakSample> samples, Path png) throws IOException {
    double[] minutes = column(samples, s -> s.elapsedS() / 60);
    XYChart memory = chart("Memory (MB)", "MB");
    memory.addSeries("RSS", minutes, column(samples, SoakSample::rssMb));
    memory.addSeries("heap after full GC", minutes, column(samples, SoakSample::heapAfterGcMb));
    memory.addSeries("data folder", minutes, column(samples, SoakSample::dataMb));
    XYChart handles = chart("Threads and open file descriptors", "count");
    handles.addSeries("threads", minutes, column(samples, s -> s.threads()));
    handles.addSeries("fds", minutes, column(samples, s -> s.fds()));
    XYChart latency = chart("Latency per minute, all operations (ms)", "ms");
    latency.addSeries("p50", minutes, column(samples, SoakSample::p50Ms));
    latency.addSeries("p99", minutes, column(samples, SoakSample::p99Ms));
    XYChart traffic = chart("Requests and errors per minute", "per minute");
    traffic.addSeries("requests", minutes, column(samples, s -> s.requests()));
    traffic.addSeries("searches", minutes, column(samples, s -> s.searches()));
    traffic.addSeries("errors", minutes, column(samples, s -> s.errors()));
    Files.createDirectories(png.toAbsolutePath().getParent());
    String name = png.toString().replaceFirst("\\.png$", "");
    BitmapEncoder.saveBitmap(
        List.of(memory, handles, latency, traffic), 2, 2, name, BitmapEncoder.BitmapFormat.PNG);
  }

  private static XYChart chart(String title, String yTitle) {
    XYChart c =
        new XYChartBuilder()
            .width(640)
            .height(360)
            .title(title)
            .xAxisTitle("minutes")
            .yAxisTitle(yTitle)
            .build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    c.getStyler().setMarkerSize(3);
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setXAxisDecimalPattern("#0");
    return c;
  }

  private static double[] column(List<SoakSample> samples, ToDoubleFunction<SoakSample> f) {
    return samples.stream().mapToDouble(f).toArray();
  }
}
