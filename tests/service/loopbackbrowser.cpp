#include "tests/service/loopbackbrowser.h"

#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrlQuery>

namespace EasyCrm::Testing {

LoopbackBrowser::LoopbackBrowser(QObject *parent)
    : QObject(parent)
{
    m_network.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

std::function<bool(const QUrl &)> LoopbackBrowser::opener()
{
    return [this](const QUrl &url) {
        return open(url);
    };
}

bool LoopbackBrowser::open(const QUrl &authorizeUrl)
{
    ++m_opened;
    m_authorizeUrl = authorizeUrl;
    const QUrlQuery query(authorizeUrl);
    m_state = query.queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded).toUtf8();
    m_redirectUri = QUrl(query.queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded),
                         QUrl::StrictMode);
    // A browser starts loading after the app's call returned, never inside it.
    const QList<QByteArray> visits = m_script;
    QTimer::singleShot(0, this, [this, visits] {
        for (const QByteArray &each : visits)
            visit(each);
    });
    return true;
}

void LoopbackBrowser::visit(const QByteArray &visit)
{
    m_queue.append(visit);
    if (!m_inFlight)
        next();
}

QUrl LoopbackBrowser::target(QByteArray visit) const
{
    const QByteArray issuer = QUrl::toPercentEncoding(m_issuer.toString(QUrl::FullyEncoded));
    visit.replace("{state}", m_state).replace("{iss}", issuer);
    QUrl url = m_redirectUri;
    if (visit.startsWith('/')) {
        const qsizetype question = visit.indexOf('?');
        url.setPath(QString::fromLatin1(question < 0 ? visit : visit.first(question)));
        url.setQuery(question < 0 ? QString() : QString::fromLatin1(visit.sliced(question + 1)),
                     QUrl::StrictMode);
        return url;
    }
    url.setQuery(QString::fromLatin1(visit), QUrl::StrictMode);
    return url;
}

void LoopbackBrowser::next()
{
    if (m_queue.isEmpty()) {
        m_inFlight = false;
        return;
    }
    m_inFlight = true;
    const QUrl url = target(m_queue.takeFirst());
    m_visited.append(url.toEncoded());
    QNetworkRequest request(url);
    request.setTransferTimeout(10000);
    QNetworkReply *reply = m_network.get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        m_statuses.append(status);
        emit answered(status);
        next();
    });
}

} // namespace EasyCrm::Testing
