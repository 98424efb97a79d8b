#include "core/oauth/profileclient.h"

#include "core/oauth/httpexchange.h"
#include "core/oauth/logging.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace EasyCrm::OAuth {

namespace {

const QString kStage = QStringLiteral("profile");

QString numberText(const QJsonValue &value)
{
    // Integers up to 2^63 survive QJsonValue exactly; X and Facebook send ids as strings
    // anyway because doubles do not.
    const QVariant number = value.toVariant();
    if (number.typeId() == QMetaType::LongLong)
        return QString::number(number.toLongLong());
    const double d = value.toDouble();
    if (d == static_cast<double>(static_cast<qint64>(d)))
        return QString::number(static_cast<qint64>(d));
    return QString::number(d, 'g', 17);
}

Result<Profile> readProfile(const QJsonObject &object, const ProfileMapping &mapping)
{
    Profile profile;
    profile.id = ProfileClient::valueAt(object, mapping.idPath);
    profile.handle = ProfileClient::valueAt(object, mapping.handlePath);
    profile.displayName = ProfileClient::valueAt(object, mapping.displayNamePath);
    if (profile.id.isEmpty()) {
        Error error = makeError(
            ErrorCode::ProfileMissingId,
            QCoreApplication::translate("EasyCrm::OAuth::ProfileClient",
                                        "The provider's profile did not name the account."),
            QStringLiteral("profile: nothing at '%1'").arg(mapping.idPath));
        // TikTok answers 200 with {"error": {"code": "access_token_invalid"}} and no data.
        error.providerError = providerErrorOf(object);
        return error;
    }
    return profile;
}

} // namespace

ProfileClient::ProfileClient(QNetworkAccessManager *nam, QObject *parent)
    : QObject(parent)
    , m_nam(nam)
    , m_replies(this)
{}

ProfileClient::~ProfileClient()
{
    m_replies.abortAll();
}

void ProfileClient::setTimeout(std::chrono::milliseconds timeout)
{
    m_timeout = timeout;
}

void ProfileClient::fetch(const QUrl &endpoint, const ProfileMapping &mapping,
                          const QByteArray &accessToken, Callback done)
{
    if (Result<void> usable = checkEndpoint(endpoint, kStage); !usable) {
        m_replies.later([done, error = usable.error()] { done(error); });
        return;
    }
    QNetworkRequest request = jsonRequest(endpoint, m_timeout);
    request.setRawHeader("Authorization", "Bearer " + accessToken);
    Redactor redactor;
    redactor.add(accessToken);
    qCDebug(lcToken) << "Reading the profile from" << endpoint.host();
    m_replies.track(
        m_nam->get(request), [mapping, redactor, done = std::move(done)](QNetworkReply *reply) {
            const Result<QJsonObject> answer = readJsonObject(reply, kStage, redactor);
            if (!answer) {
                qCInfo(lcToken) << "Profile failed:" << errorCodeName(answer.error().code);
                done(answer.error());
                return;
            }
            done(readProfile(answer.value(), mapping));
        });
}

QString ProfileClient::valueAt(const QJsonValue &root, const QString &path)
{
    if (path.isEmpty())
        return {};
    QJsonValue value = root;
    for (const QString &segment : path.split(QLatin1Char('.'))) {
        bool isIndex = false;
        const int index = segment.toInt(&isIndex);
        if (value.isArray() && isIndex)
            value = value.toArray().at(index);
        else if (value.isObject())
            value = value.toObject().value(segment);
        else
            return {};
    }
    if (value.isString())
        return value.toString();
    if (value.isDouble())
        return numberText(value);
    return {};
}

} // namespace EasyCrm::OAuth
