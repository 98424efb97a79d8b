#include "core/oauth/replytracker.h"

#include <QMetaObject>
#include <QNetworkReply>

namespace EasyCrm::OAuth {

ReplyTracker::~ReplyTracker()
{
    abortAll();
}

void ReplyTracker::track(QNetworkReply *reply, std::function<void(QNetworkReply *)> finished)
{
    m_replies.append(reply);
    QObject::connect(reply, &QNetworkReply::finished, m_owner,
                     [this, reply, finished = std::move(finished)] {
                         m_replies.removeAll(reply);
                         reply->deleteLater();
                         finished(reply);
                     });
}

void ReplyTracker::later(std::function<void()> call)
{
    // Queued to the owner: the event is discarded if the owner is destroyed first.
    QMetaObject::invokeMethod(m_owner, std::move(call), Qt::QueuedConnection);
}

void ReplyTracker::abortAll()
{
    const QList<QPointer<QNetworkReply>> replies = std::exchange(m_replies, {});
    for (const QPointer<QNetworkReply> &reply : replies) {
        if (!reply)
            continue;
        // Disconnect first: abort() emits finished() synchronously.
        QObject::disconnect(reply, nullptr, m_owner, nullptr);
        reply->abort();
        reply->deleteLater();
    }
}

} // namespace EasyCrm::OAuth
