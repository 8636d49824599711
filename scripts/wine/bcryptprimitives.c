/* For running Windows test binaries under Wine 8 (Debian 12) only; never shipped.
 * Rust's standard library on Windows gets its random bytes from ProcessPrng in
 * bcryptprimitives.dll, which Wine 8 does not have, so every Rust program fails to start there.
 * This stand-in gives ProcessPrng the same contract from RtlGenRandom (advapi32). */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
    if (!RtlGenRandom(data, chunk)) return FALSE;
    data += chunk;
    len -= chunk;
  }
  return TRUE;
}
