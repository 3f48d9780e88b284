package io.facesearch.pipeline;

import io.facesearch.align.Landmarks;
import io.facesearch.attributes.AgeGender;
import io.facesearch.detect.Detection;
import io.facesearch.embed.Embedding;

/** Everything the pipeline knows about one face; coordinates are in the analysed (upright) image's pixels. */
public record Face(
    Detection detection, Landmarks landmarks, Embedding embedding, AgeGender ageGender) {}
