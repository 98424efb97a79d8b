#include "tests/pgfaults/pgfaultsupport.h"

#include "core/db/database.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

namespace EasyCrm::Testing {

int backendPid(Db::Database &db)
{
    QSqlQuery query(db.handle());
    if (!query.exec(QStringLiteral("SELECT pg_backend_pid()")) || !query.next())
        return -1;
    return query.value(0).toInt();
}

bool terminateBackend(Db::Database &admin, int pid)
{
    QSqlQuery query(admin.handle());
    query.prepare(QStringLiteral("SELECT pg_terminate_backend(:Pid, 5000)"));
    query.bindValue(QStringLiteral(":Pid"), pid);
    if (!query.exec() || !query.next()) {
        qWarning().noquote() << "pg_terminate_backend failed:" << query.lastError().text();
        return false;
    }
    return query.value(0).toBool();
}

int countRows(Db::Database &db, const QString &table, const QString &where)
{
    QSqlQuery query(db.handle());
    const QString sql = QStringLiteral("SELECT COUNT(*) FROM \"%1\"").arg(table) +
                        (where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where);
    if (!query.exec(sql) || !query.next())
        return -1;
    return query.value(0).toInt();
}

namespace {

QSet<QString> socketInodesOfThisProcess()
{
    QSet<QString> inodes;
    const QDir fds(QStringLiteral("/proc/self/fd"));
    for (const QString &fd : fds.entryList(QDir::System | QDir::NoDotAndDotDot)) {
        const QString target = QFile::symLinkTarget(fds.filePath(fd));
        const QString name = QFileInfo(target).fileName();
        if (name.startsWith(u"socket:["))
            inodes.insert(name.mid(8).chopped(1));
    }
    return inodes;
}

} // namespace

QList<quint16> listeningPortsOfThisProcess()
{
    const QSet<QString> ours = socketInodesOfThisProcess();
    QList<quint16> ports;
    for (const QString &table :
         {QStringLiteral("/proc/net/tcp"), QStringLiteral("/proc/net/tcp6")}) {
        QFile file(table);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        file.readLine(); // the header
        while (!file.atEnd()) {
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            const QList<QByteArray> f = file.readLine().simplified().split(' ');
            if (f.size() < 10 || f.at(3) != "0A") // 0A: TCP_LISTEN
                continue;
            if (ours.contains(QString::fromLatin1(f.at(9))))
                ports << f.at(1).split(':').last().toUShort(nullptr, 16);
        }
    }
    return ports;
}

} // namespace EasyCrm::Testing
