#include "core/db/backgroundjobwriter.h"

#include "core/common/ids.h"
#include "core/db/rowhelpers.h"

namespace EasyCrm::Db {

bool BackgroundJobWriter::hasApplicationNameColumn()
{
    if (!m_hasApplicationName)
        m_hasApplicationName =
            m_db.hasColumn(QStringLiteral("AbpBackgroundJobs"), QStringLiteral("ApplicationName"));
    return *m_hasApplicationName;
}

Result<void> BackgroundJobWriter::enqueue(const QString &jobName, const QJsonObject &args,
                                          int priority, const QDateTime &nowUtc, QUuid *jobId)
{
    const QString stage = QStringLiteral("background-job.enqueue");
    if (Result<void> r = Rows::requireTime(nowUtc, stage); !r)
        return r;
    const QUuid id = Ids::newGuid();
    const bool withApplicationName = hasApplicationNameColumn();
    SqlStatement st(m_db, stage);
    st.prepare(QStringLiteral("INSERT INTO \"AbpBackgroundJobs\" (\"Id\", ") +
               (withApplicationName ? QStringLiteral("\"ApplicationName\", ") : QString()) +
               QStringLiteral("\"JobName\", \"JobArgs\", \"TryCount\", \"CreationTime\", "
                              "\"NextTryTime\", \"LastTryTime\", \"IsAbandoned\", \"Priority\", "
                              "\"ExtraProperties\", \"ConcurrencyStamp\") VALUES (:Id, ") +
               (withApplicationName ? QStringLiteral("NULL, ") : QString()) +
               QStringLiteral(":JobName, :JobArgs, 0, :CreationTime, :NextTryTime, NULL, "
                              ":IsAbandoned, :Priority, :ExtraProperties, :Stamp)"));
    const QVariant now = m_db.timestamp(nowUtc);
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    st.bind(QStringLiteral(":JobName"), jobName);
    st.bind(QStringLiteral(":JobArgs"), Rows::jsonText(args));
    st.bind(QStringLiteral(":CreationTime"), now);
    st.bind(QStringLiteral(":NextTryTime"), now);
    st.bind(QStringLiteral(":IsAbandoned"), m_db.boolean(false));
    st.bind(QStringLiteral(":Priority"), priority);
    st.bind(QStringLiteral(":ExtraProperties"), Rows::jsonText({}));
    st.bind(QStringLiteral(":Stamp"), Ids::newConcurrencyStamp());
    if (Result<void> r = st.exec(); !r)
        return r;
    if (jobId)
        *jobId = id;
    return {};
}

} // namespace EasyCrm::Db
