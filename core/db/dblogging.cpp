#include "core/db/dblogging.h"

namespace EasyCrm::Db {

Q_LOGGING_CATEGORY(lcDb, "easycrm.db", QtInfoMsg)

} // namespace EasyCrm::Db
