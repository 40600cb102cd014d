/* bytes.c: writes to its standard output what a compressor writes there:
 * bytes that are not text (a gzip magic number, NULs, bytes above 127, a
 * lone carriage return) and no newline at the end. Under detprof they
 * must come out exactly as they do without it (tests/test-runner.c). */
#include <stdio.h>

static const unsigned char data[] = {
  0x1f, 0x8b, 0x08, 0x00, 'd', 'e', 't', 0x00, 0xff, 0xfe, '\r', 0x80, 0x7f, '\n', 'e', 'n', 'd',
};

__attribute__ ((noipa)) static size_t
put (const unsigned char *bytes,
     size_t               n)
{
  return fwrite (bytes, 1, n, stdout);
}

int
main (void)
{
  return put (data, sizeof data) == sizeof data ? 0 : 1;
}
