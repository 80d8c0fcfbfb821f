#!/bin/sh
# Prints "yes" when a C compiler finds the libjpeg and libpng headers (see binding.gyp).
printf '#include <stdio.h>\n#include <jpeglib.h>\n#include <png.h>\n' |
  ${CC:-cc} -E -x c - >/dev/null 2>&1 && echo yes || echo no
