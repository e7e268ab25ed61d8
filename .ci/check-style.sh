#!/usr/bin/env bash
# Style check for the Java sources, for CI: no line in a tracked .java file longer than 120 columns and no tab
# characters. Columns are characters (the files are UTF-8; '²' or '→' is one column), not bytes.
# Prints "file:line: N columns (max 120)" or "file:line: tab" for each offending line and exits 1; otherwise prints
# a one-line summary and exits 0.
set -euo pipefail

MAX_COLUMNS=120

root="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
cd "$root"

# Perl rather than awk: mawk, the default awk on Debian and Ubuntu, counts bytes whatever the locale.
# utf8::decode is built into perl itself (no modules needed, so perl-base suffices).
git ls-files -z -- '*.java' | perl -e '
  use strict;
  use warnings;
  $| = 1;
  my $max = shift @ARGV;
  my ($files, $problems) = (0, 0);
  local $/ = "\0";
  while (my $file = <STDIN>) {
    chomp $file;
    next unless -f $file;    # tracked but deleted in the working tree
    $files++;
    open(my $fh, "<:raw", $file) or die "style: cannot read $file: $!\n";
    local $/ = "\n";
    while (my $line = <$fh>) {
      $line =~ s/\r?\n\z//;
      utf8::decode($line);    # characters from here on; a line that is not UTF-8 stays bytes
      my $columns = length $line;
      if ($columns > $max) {
        print "$file:$.: $columns columns (max $max)\n";
        $problems++;
      }
      if (index($line, "\t") >= 0) {
        print "$file:$.: tab\n";
        $problems++;
      }
    }
    close $fh;
  }
  if ($problems) {
    print STDERR "style: $problems problem(s) in the Java sources ($files files checked)\n";
    exit 1;
  }
  print "style: every Java line is at most $max columns ($files files)\n";
' "$MAX_COLUMNS"
