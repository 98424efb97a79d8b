#pragma once

#include "core/common/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QUuid>

namespace EasyCrm::Db {

class Database;

// AbpEventOutbox: a distributed event for the server's outbox sender to publish
// (EventName, EventData = UTF-8 JSON bytes, CreationTime, ExtraProperties "{}").
class EventOutboxWriter final
{
public:
    explicit EventOutboxWriter(Database &db)
        : m_db(db)
    {}

    // `eventId`, when given, receives the new row's id on success.
    [[nodiscard]] Result<void> add(const QString &eventName, const QJsonObject &data,
                                   const QDateTime &nowUtc, QUuid *eventId = nullptr);

private:
    Database &m_db;
};

} // namespace EasyCrm::Db
