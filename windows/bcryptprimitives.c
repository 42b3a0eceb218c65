/* Stand-in for bcryptprimitives.dll (missing from Wine 8), for Go 1.22+
   programs: ProcessPrng fills the buffer from RtlGenRandom. */
#include <windows.h>
typedef BOOLEAN (WINAPI *genrandom_fn)(PVOID, ULONG);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    static genrandom_fn gen;
    if (!gen) {
        HMODULE h = LoadLibraryA("advapi32.dll");
        if (!h) return FALSE;
        gen = (genrandom_fn)GetProcAddress(h, "SystemFunction036");
        if (!gen) return FALSE;
    }
    while (len > 0) {
        ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!gen(data, n)) return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
BOOL WINAPI DllMain(HINSTANCE h, DWORD r, LPVOID p) { return TRUE; }
