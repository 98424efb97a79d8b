#include "core/db/eventoutboxwriter.h"

#include "core/common/ids.h"
#include "core/db/rowhelpers.h"

#include <QJsonDocument>

namespace EasyCrm::Db {

Result<void> EventOutboxWriter::add(const QString &eventName, const QJsonObject &data,
                                    const QDateTime &nowUtc, QUuid *eventId)
{
    const QString stage = QStringLiteral("event-outbox.add");
    if (Result<void> r = Rows::requireTime(nowUtc, stage); !r)
        return r;
    const QUuid id = Ids::newGuid();
    SqlStatement st(m_db, stage);
    st.prepare(QStringLiteral("INSERT INTO \"AbpEventOutbox\" (\"Id\", \"ExtraProperties\", "
                              "\"EventName\", \"EventData\", \"CreationTime\") VALUES (:Id, "
                              ":ExtraProperties, :EventName, :EventData, :CreationTime)"));
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    st.bind(QStringLiteral(":ExtraProperties"), Rows::jsonText({}));
    st.bind(QStringLiteral(":EventName"), eventName);
    st.bind(QStringLiteral(":EventData"),
            m_db.dialect().bytes(QJsonDocument(data).toJson(QJsonDocument::Compact)));
    st.bind(QStringLiteral(":CreationTime"), m_db.timestamp(nowUtc));
    if (Result<void> r = st.exec(); !r)
        return r;
    if (eventId)
        *eventId = id;
    return {};
}

} // namespace EasyCrm::Db
