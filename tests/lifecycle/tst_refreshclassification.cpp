// Which refresh failures end a connection and which are waited out (RFC 6749 §5.2, RFC 6585
// §4), and the backoff that spaces the retries.
#include "core/common/result.h"
#include "core/service/refreshscheduler.h"

#include <QTest>

using namespace EasyCrm;

Q_DECLARE_METATYPE(EasyCrm::ErrorCode)
Q_DECLARE_METATYPE(EasyCrm::RefreshFailureKind)

class TestRefreshClassification final : public QObject
{
    Q_OBJECT

private slots:
    void classify_data();
    void classify();
    void backoffDoublesUpToItsCap();
    void reauthMessageNamesTheProvider();
};

void TestRefreshClassification::classify_data()
{
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<QString>("providerError");
    QTest::addColumn<RefreshFailureKind>("expected");

    const auto permanent = RefreshFailureKind::Permanent;
    const auto transient = RefreshFailureKind::Transient;
    QTest::newRow("400-invalid_grant")
        << ErrorCode::HttpError << 400 << u"invalid_grant"_qs << permanent;
    QTest::newRow("401-invalid_client")
        << ErrorCode::HttpError << 401 << u"invalid_client"_qs << permanent;
    QTest::newRow("400-unauthorized_client")
        << ErrorCode::HttpError << 400 << u"unauthorized_client"_qs << permanent;
    // Instagram-style: an error object in a 200 answer.
    QTest::newRow("200-error-body-invalid_grant")
        << ErrorCode::ErrorResponse << 0 << u"invalid_grant"_qs << permanent;
    QTest::newRow("400-invalid_request")
        << ErrorCode::HttpError << 400 << u"invalid_request"_qs << transient;
    QTest::newRow("401-no-error-code") << ErrorCode::HttpError << 401 << QString() << transient;
    QTest::newRow("503") << ErrorCode::HttpError << 503 << QString() << transient;
    QTest::newRow("500-claiming-invalid_grant")
        << ErrorCode::HttpError << 500 << u"invalid_grant"_qs << transient;
    QTest::newRow("429-slow-down")
        << ErrorCode::HttpError << 429 << u"invalid_grant"_qs << transient;
    QTest::newRow("503-temporarily_unavailable")
        << ErrorCode::HttpError << 503 << u"temporarily_unavailable"_qs << transient;
    QTest::newRow("network-error") << ErrorCode::NetworkError << 0 << QString() << transient;
    QTest::newRow("timeout") << ErrorCode::Timeout << 0 << QString() << transient;
    QTest::newRow("html-instead-of-json")
        << ErrorCode::MalformedResponse << 200 << QString() << transient;
    QTest::newRow("missing-access-token")
        << ErrorCode::MissingAccessToken << 200 << QString() << transient;
    // A local failure carrying a look-alike code is not the provider's verdict.
    QTest::newRow("local-error-with-code")
        << ErrorCode::DatabaseError << 0 << u"invalid_grant"_qs << transient;
}

void TestRefreshClassification::classify()
{
    QFETCH(ErrorCode, code);
    QFETCH(int, httpStatus);
    QFETCH(QString, providerError);
    QFETCH(RefreshFailureKind, expected);

    Error error = makeError(code, QStringLiteral("message"));
    error.httpStatus = httpStatus;
    error.providerError = providerError;
    QCOMPARE(classifyRefreshFailure(error), expected);
}

void TestRefreshClassification::backoffDoublesUpToItsCap()
{
    RefreshScheduler::Settings settings;
    settings.backoffBase = std::chrono::seconds(30);
    settings.backoffMax = std::chrono::seconds(200);
    QList<qint64> waits;
    for (int failures : {0, 1, 2, 3, 4, 5, 1000})
        waits << RefreshScheduler::backoff(failures, settings).count();
    QCOMPARE(waits, (QList<qint64>{30, 30, 60, 120, 200, 200, 200}));
}

void TestRefreshClassification::reauthMessageNamesTheProvider()
{
    QCOMPARE(RefreshScheduler::reauthMessage(QStringLiteral("LinkedIn")),
             QStringLiteral("Your LinkedIn connection needs re-authentication"));
}

QTEST_GUILESS_MAIN(TestRefreshClassification)
#include "tst_refreshclassification.moc"
