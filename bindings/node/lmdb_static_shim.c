/* Linked into the addon only when LMDB comes from a static liblmdb.a (CMake checks).
 *
 * Debian's liblmdb.a is compiled without -fPIC. Everything in it is
 * position-independent except one PC-relative reference to the external data symbol
 * `stderr` (used by mdb_assert_fail, which prints and aborts), which the linker
 * refuses in a shared object. Defining a hidden `stderr` in the addon lets that
 * reference bind locally; it points at glibc's own stderr FILE object, so an LMDB
 * assertion still prints where it always would. Nothing else in the addon sees it.
 */
#include <features.h>
#if defined(__GLIBC__)
struct _IO_FILE;
extern struct _IO_FILE _IO_2_1_stderr_;
__attribute__((visibility("hidden"))) struct _IO_FILE* stderr = &_IO_2_1_stderr_;
#endif
