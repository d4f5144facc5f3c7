/* fuzz-main.c - (being written) */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(void)
{
  return LLVMFuzzerTestOneInput(NULL, 0);
}
