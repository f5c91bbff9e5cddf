#!/bin/sh
# Developer helper: incremental rebuild of actors._native in place (pip install
# -e . does the same from scratch). Engine objects are compiled once.
set -e
cd "$(dirname "$0")"
# DEV_OUT keeps a second set of objects (e.g. build/asan for sanitizer flags)
OUT=${DEV_OUT:-build/dev}; mkdir -p $OUT
# build.py writes the engine wrappers and the patched engine copy (the pinned
# sources with native/patches/*.patch applied) under ACTORS_BUILD_TMP
export ACTORS_BUILD_TMP=$PWD/$OUT
ENG=$OUT/engine
PYINC=$(python -c "import sysconfig;print(sysconfig.get_paths()['include'])")
SUFFIX=$(python -c "import sysconfig;print(sysconfig.get_config_var('EXT_SUFFIX'))")
if [ -n "${DEV_DEBUG:-}" ]; then OPT="-O1 -g"; else OPT="-O2 -DNDEBUG"; fi
CFLAGS="-std=gnu11 -fPIC $OPT -D_GNU_SOURCE -pthread ${DEV_CFLAGS:-}"
# our sources: native/build.py's OUR_SOURCES, the one list
SOURCES=$(python -c "
import contextlib, sys; sys.path.insert(0, 'native')
import build
with contextlib.redirect_stdout(sys.stderr):
    build.ffibuilder.emit_c_code('$OUT/_native.c')
print(' '.join(build.OUR_SOURCES))
")
for f in quickjs libregexp libunicode dtoa; do
  [ $OUT/$f.o -nt $ENG/$f.c ] && [ $OUT/$f.o -nt $ENG/quickjs.h ] || gcc $CFLAGS -w -I$ENG -c $OUT/engine_$f.c -o $OUT/$f.o
done
OBJS=""
for src in $SOURCES; do
  obj=$OUT/$(echo "${src%.c}" | tr / _).o
  gcc $CFLAGS -Wall -Wextra -fvisibility=hidden -Inative -I$ENG -c native/$src -o $obj
  OBJS="$OBJS $obj"
done
gcc $CFLAGS -w -Inative -I$ENG -I$PYINC -c $OUT/_native.c -o $OUT/_native.o
gcc -shared -pthread $DEV_CFLAGS -o actors/_native$SUFFIX $OUT/_native.o $OBJS $OUT/quickjs.o $OUT/libregexp.o $OUT/libunicode.o $OUT/dtoa.o -lm
