package dev.finetoon.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.finetoon.testing.ReferenceCases;
import org.junit.jupiter.api.Test;

class ProjectionScheduleTest {
  private static JsonNode projectionCase() {
    for (JsonNode c : ReferenceCases.index().get("cases")) {
      if (c.get("kind").asText().equals("projection")) {
        return c;
      }
    }
    throw new AssertionError("no projection case in tiny.json");
  }

  @Test
  void matchesNvidiasScheduleAtTheRecordedSteps() {
    JsonNode c = projectionCase();
    ProjectionSchedule schedule = ProjectionSchedule.nvidia(1000);
    double wStd = c.get("w_std").asDouble();
    for (JsonNode point : c.get("schedule_1000_steps")) {
      int step = point.get("step").asInt();
      assertThat(schedule.learningRate(step)).as("lr at %s", step).isCloseTo(point.get("lr").asDouble(), within(1e-12));
      assertThat(schedule.wNoiseScale(step, wStd))
          .as("w noise at %s", step)
          .isCloseTo(point.get("w_noise_scale").asDouble(), within(1e-12));
    }
  }

  @Test
  void rampsUpThenDown() {
    ProjectionSchedule schedule = ProjectionSchedule.nvidia(100);
    assertThat(schedule.learningRate(0)).isZero();
    assertThat(schedule.learningRate(5)).isEqualTo(0.1);
    assertThat(schedule.learningRate(99)).isLessThan(0.001);
    assertThat(schedule.wNoiseScale(75, 1.0)).isZero();
  }
}
