#include "storage/lmdb_meta.h"

#include <string>

#include "storage/lmdb_errors.h"
#include "storage/lmdb_record.h"

namespace ruvector::detail {

Result<std::optional<std::uint64_t>> read_u64(MDB_txn* txn, MDB_dbi dbi, std::string_view key, const LmdbEnv& e) {
  MDB_val k = as_val(key);
  MDB_val v;
  const int rc = mdb_get(txn, dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<std::uint64_t>();
  if (rc != 0) return mdb_status(rc, "reading '" + std::string(key) + "'", e.dir);
  if (v.mv_size != 8)
    return Status::Corruption("the '" + std::string(key) + "' entry of '" + e.dir + "' is damaged: " +
                              std::to_string(v.mv_size) + " bytes instead of 8");
  const auto* p = static_cast<const unsigned char*>(v.mv_data);
  std::uint64_t x = 0;
  for (int i = 7; i >= 0; --i) x = (x << 8) | p[i];
  return std::optional<std::uint64_t>(x);
}

int write_u64(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::uint64_t x) {
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(x >> (8 * i));
  MDB_val k = as_val(key);
  MDB_val v{sizeof bytes, bytes};
  return mdb_put(txn, dbi, &k, &v, 0);
}

Status check_format(MDB_txn* txn, const LmdbEnv& e, bool& present) {
  MDB_val k = as_val(kFormatKey);
  MDB_val v;
  const int rc = mdb_get(txn, e.meta, &k, &v);
  present = rc == 0;
  if (rc == MDB_NOTFOUND) return Status::Ok();
  if (rc != 0) return mdb_status(rc, "reading the storage format", e.dir);
  if (v.mv_size != 4)
    return Status::Corruption("the storage format entry of '" + e.dir + "' is damaged (" + std::to_string(v.mv_size) +
                              " bytes instead of 4)");
  const std::uint32_t format = load_le32(static_cast<const unsigned char*>(v.mv_data));
  if (format != kFormatVersion)
    return Status::Unsupported("'" + e.dir + "' uses storage format " + std::to_string(format) +
                               "; this build of ruvector reads format " + std::to_string(kFormatVersion) +
                               " (upgrade ruvector, or export a snapshot with the version that wrote it)");
  return Status::Ok();
}

int write_format(MDB_txn* txn, const LmdbEnv& e) {
  unsigned char bytes[4];
  store_le32(bytes, kFormatVersion);
  MDB_val k = as_val(kFormatKey);
  MDB_val v{sizeof bytes, bytes};
  return mdb_put(txn, e.meta, &k, &v, 0);
}

}  // namespace ruvector::detail
