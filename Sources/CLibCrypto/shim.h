// The system's libcrypto (Debian: libssl-dev), used for SHA-256 of ledger entries.
#include <openssl/sha.h>
