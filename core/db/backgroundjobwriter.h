#pragma once

#include "core/common/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QUuid>

#include <optional>

namespace EasyCrm::Db {

class Database;

// ABP's BackgroundJobPriority values (a byte in the table).
namespace BackgroundJobPriority {
inline constexpr int Low = 5;
inline constexpr int BelowNormal = 10;
inline constexpr int Normal = 15;
inline constexpr int AboveNormal = 20;
inline constexpr int High = 25;
} // namespace BackgroundJobPriority

// Enqueues an AbpBackgroundJobs row the way ABP's BackgroundJobManager does: JobName is
// the args type's name, JobArgs its camelCase JSON (stored as given), TryCount 0,
// NextTryTime = CreationTime, IsAbandoned false, ApplicationName NULL where the column
// exists (ABP >= 8.2; detected once from the driver's record of the table).
class BackgroundJobWriter final
{
public:
    explicit BackgroundJobWriter(Database &db)
        : m_db(db)
    {}

    // `jobId`, when given, receives the new row's id on success.
    [[nodiscard]] Result<void> enqueue(const QString &jobName, const QJsonObject &args,
                                       int priority, const QDateTime &nowUtc,
                                       QUuid *jobId = nullptr);

private:
    bool hasApplicationNameColumn();

    Database &m_db;
    std::optional<bool> m_hasApplicationName;
};

} // namespace EasyCrm::Db
