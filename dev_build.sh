#!/bin/sh
# Developer helper: incremental rebuild of actors._native in place (pip install
# -e . does the same from scratch). Engine objects are compiled once.
set -e
cd "$(dirname "$0")"
ENG=$(python native/engine.py)
OUT=build/dev; mkdir -p $OUT
PYINC=$(python -c "import sysconfig;print(sysconfig.get_paths()['include'])")
SUFFIX=$(python -c "import sysconfig;print(sysconfig.get_config_var('EXT_SUFFIX'))")
if [ -n "${DEV_DEBUG:-}" ]; then OPT="-O1 -g"; else OPT="-O2 -DNDEBUG"; fi
CFLAGS="-std=gnu11 -fPIC $OPT -D_GNU_SOURCE -pthread ${DEV_CFLAGS:-}"
python -c "
import sys; sys.path.insert(0, 'native')
import build
build.ffibuilder.emit_c_code('$OUT/_native.c')
"
for f in quickjs libregexp libunicode dtoa; do
  [ $OUT/$f.o -nt $ENG/$f.c ] || gcc $CFLAGS -w -I$ENG -c native/_gen/engine_$f.c -o $OUT/$f.o
done
OBJS=""
for f in pump context host codec mpack groups dom serve client wire; do
  gcc $CFLAGS -Wall -Wextra -fvisibility=hidden -Inative -I$ENG -c native/$f.c -o $OUT/$f.o
  OBJS="$OBJS $OUT/$f.o"
done
gcc $CFLAGS -w -Inative -I$ENG -I$PYINC -c $OUT/_native.c -o $OUT/_native.o
gcc -shared -pthread $DEV_CFLAGS -o actors/_native$SUFFIX $OUT/_native.o $OBJS $OUT/quickjs.o $OUT/libregexp.o $OUT/libunicode.o $OUT/dtoa.o -lm
