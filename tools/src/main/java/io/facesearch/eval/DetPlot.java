package io.facesearch.eval;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The DET curve of an identification run (FNIR against FPIR, both on log axes) as CSV and as a PNG drawn by XChart. */
public final class DetPlot {

  /** FPIR or FNIR below this is drawn at this value (a log axis has no zero). */
  private static final double FLOOR = 1e-4;

  private DetPlot() {}

  public static void writeCsv(List<OpenSetIdentification.DetPoint> det, Path file)
      throws IOException {
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
      out.println("cosine,similarity_percentage,fpir,fnir");
      for (OpenSetIdentification.DetPoint p : det) {
        out.printf(
            Locale.ROOT,
            "%.3f,%.1f,%.6f,%.6f%n",
            p.threshold(),
            io.facesearch.search.SimilarityScale.percentage(p.threshold()),
            p.fpir(),
            p.fnir());
      }
    }
  }

  public static void writePng(String title, List<OpenSetIdentification.DetPoint> det, Path file)
      throws IOException {
    XYChart chart =
        new XYChartBuilder()
            .width(800)
            .height(600)
            .title(title)
            .xAxisTitle("FPIR (share of non-mated searches with a match)")
            .yAxisTitle("FNIR (share of mated searches missed)")
            .build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setXAxisMin(FLOOR);
    chart.getStyler().setXAxisMax(1.0);
    chart.getStyler().setYAxisMin(1e-2);
    chart.getStyler().setYAxisMax(1.0);
    chart.getStyler().setLegendVisible(false);
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (OpenSetIdentification.DetPoint p : det) {
      if (p.fpir() >= FLOOR && p.fnir() > 0) {
        x.add(p.fpir());
        y.add(Math.max(1e-2, p.fnir()));
      }
    }
    if (x.isEmpty()) {
      x.add(1.0);
      y.add(1.0);
    }
    XYSeries series = chart.addSeries("DET", x, y);
    series.setMarker(SeriesMarkers.NONE);
    String name = file.getFileName().toString();
    BitmapEncoder.saveBitmap(
        chart,
        file.resolveSibling(name.replaceAll("\\.png$", "")).toString(),
        BitmapEncoder.BitmapFormat.PNG);
  }
}
