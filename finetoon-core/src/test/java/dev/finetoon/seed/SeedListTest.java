package dev.finetoon.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeedListTest {
  @Test
  void parsesSeedsAndInclusiveRangesInOrder() {
    assertThat(SeedList.parse("0-7,12,100-102"))
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 12L, 100L, 101L, 102L);
    assertThat(SeedList.parse("303")).containsExactly(303L);
    assertThat(SeedList.parse("5,3,5")).containsExactly(5L, 3L, 5L);
    assertThat(SeedList.parse("4-4")).containsExactly(4L);
  }

  @Test
  void acceptsSpacesAroundItemsAndTheWholeSeedRange() {
    assertThat(SeedList.parse(" 1 , 2-3 ")).containsExactly(1L, 2L, 3L);
    assertThat(SeedList.parse("4294967294-4294967295")).containsExactly(4294967294L, 4294967295L);
    assertThat(SeedList.parse("007")).containsExactly(7L);
  }

  @Test
  void resultIsUnmodifiable() {
    assertThatThrownBy(() -> SeedList.parse("1").add(2L)).isInstanceOf(UnsupportedOperationException.class);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1,,2|''|empty item",
        "''|''|empty item",
        "1,|''|empty item",
        "-3|'-3'|negative",
        "5-2|'5-2'|start is above its end",
        "abc|'abc'|expected a seed",
        "1.5|'1.5'|expected a seed",
        "1-2-3|'1-2-3'|expected a seed",
        "4294967296|'4294967296'|2^32 - 1",
        "0-99999999999999999999999|'0-99999999999999999999999'|2^32 - 1",
        "0-4000000000|'0-4000000000'|more than",
      })
  void rejectsBadItemsNamingThem(String text, String item, String problem) {
    assertThatThrownBy(() -> SeedList.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(item)
        .hasMessageContaining(problem);
  }
}
