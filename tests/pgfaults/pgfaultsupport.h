#pragma once

// Helpers of the PostgreSQL fault-injection and many-clients tests.

#include <QList>
#include <QString>

namespace EasyCrm::Db {
class Database;
}

namespace EasyCrm::Testing {

// The server process behind a connection (SELECT pg_backend_pid()), or -1.
[[nodiscard]] int backendPid(Db::Database &db);
// Ends that server process from another connection, as an administrator or a server restart
// would, and waits until it is gone (PostgreSQL 14+: pg_terminate_backend with a timeout).
[[nodiscard]] bool terminateBackend(Db::Database &admin, int pid);
// SELECT COUNT(*) of a table, or -1 when the query fails.
[[nodiscard]] int countRows(Db::Database &db, const QString &table, const QString &where = {});
// The TCP ports this process listens on (Linux: its socket inodes matched against
// /proc/net/tcp): proves that no loopback listener outlived an attempt.
[[nodiscard]] QList<quint16> listeningPortsOfThisProcess();

} // namespace EasyCrm::Testing
