// The Social Integration page on the offscreen platform with connections that nothing renews:
// the row warns in time, in full, and the warning follows the clock.
#include "models/providerlistmodel.h"
#include "models/translations.h"
#include "tests/ui/samplestatuses.h"
#include "tests/ui/screenshot.h"
#include "ui/socialintegrationpage.h"
#include "ui/theme.h"

#include <QApplication>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Testing;
using EasyCrm::Models::ProviderListModel;

namespace {

// A connected provider whose token expires in `expiresIn`, warned of a week ahead.
ProviderStatus expiringStatus(const char *key, const char *name, const char *handle,
                              qint64 expiresIn)
{
    ProviderStatus status = sampleStatus(key, name, ConnectionState::Connected);
    status.externalHandle = QString::fromUtf8(handle);
    status.lastSyncUtc = sampleNow();
    status.expiresAtUtc = sampleNow().addSecs(expiresIn);
    status.expiryWarningUtc = status.expiresAtUtc.addSecs(-7 * 86400);
    return status;
}

} // namespace

class TestExpiringRow final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void warningIsShownInFullAndFollowsTheClock();
};

void TestExpiringRow::initTestCase()
{
    QVERIFY(Models::installTranslations(*qApp, QLocale::c()));
    Ui::Theme::applyAppearance(*qApp);
}

void TestExpiringRow::warningIsShownInFullAndFollowsTheClock()
{
    ManualClock clock(sampleNow());
    ProviderListModel model(&clock);
    QList<ProviderStatus> statuses = sampleStatuses();
    statuses[1] =
        expiringStatus("linkedin", "LinkedIn", "acme-corporate-communications", 3 * 86400 + 3600);
    statuses[7] = expiringStatus("mastodon", "Mastodon", "@acme@mastodon.social", 1800);
    model.setStatuses(statuses);
    Ui::SocialIntegrationPage page(&model);
    page.resize(760, 900);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));

    const auto *linkedin = page.findChild<QLabel *>(QStringLiteral("stateLabel_linkedin"));
    const auto *mastodon = page.findChild<QLabel *>(QStringLiteral("stateLabel_mastodon"));
    QVERIFY(linkedin && mastodon);
    QCOMPARE(linkedin->text(), QStringLiteral("Connected as @acme-corporate-communications. "
                                              "Expires in 3 days — reconnect to keep it "
                                              "working."));
    QCOMPARE(mastodon->text(), QStringLiteral("Connected as @acme@mastodon.social. Expires in 30 "
                                              "minutes — reconnect to keep it working."));
    // Shown in full, and the row's buttons stay on the page beside the longer text.
    for (const QLabel *label : {linkedin, mastodon}) {
        QVERIFY2(label->wordWrap() || label->width() >= label->sizeHint().width(),
                 qPrintable(label->text()));
        QVERIFY(label->height() >= label->heightForWidth(label->width()));
    }
    for (const char *key : {"linkedin", "mastodon", "sandbox"}) {
        for (const char *name : {"connectButton_", "detailsButton_"}) {
            const auto *button =
                page.findChild<QPushButton *>(QLatin1String(name) + QLatin1String(key));
            QVERIFY(button && button->isVisible());
            const QRect onPage(button->mapTo(&page, QPoint(0, 0)), button->size());
            QVERIFY2(page.rect().contains(onPage), key);
        }
    }
    // Reconnect now, beside Disconnect, on the rows that warn and only there; in amber.
    for (const char *key : {"linkedin", "mastodon", "sandbox"}) {
        const auto *renew =
            page.findChild<QPushButton *>(QLatin1String("renewButton_") + QLatin1String(key));
        QVERIFY(renew);
        QCOMPARE(renew->isVisible(), qstrcmp(key, "sandbox") != 0);
        QCOMPARE(page.findChild<QPushButton *>(QLatin1String("connectButton_") + QLatin1String(key))
                     ->text(),
                 QStringLiteral("Disconnect"));
    }
    QCOMPARE(mastodon->property("state").toString(), QStringLiteral("expiring"));
    QCOMPARE(page.findChild<QLabel *>(QStringLiteral("stateLabel_sandbox"))->property("state"),
             QStringLiteral("connected"));
    QSignalSpy reconnect(&page, &Ui::SocialIntegrationPage::reconnectRequested);
    QTest::mouseClick(page.findChild<QPushButton *>(QStringLiteral("renewButton_mastodon")),
                      Qt::LeftButton);
    QCOMPARE(reconnect.size(), 1);
    QCOMPARE(reconnect.first().first().toString(), QStringLiteral("mastodon"));
    QVERIFY(!saveScreenshot(page, QStringLiteral("social-integration-expiring")).isEmpty());

    // The page keeps it current: once expired, it says so until the sweep marks the row.
    clock.advance(1800);
    model.refresh();
    QCOMPARE(mastodon->text(), QStringLiteral("Connected as @acme@mastodon.social. Access has "
                                              "expired — reconnect to restore it."));
}

QTEST_MAIN(TestExpiringRow)
#include "tst_expiringrow.moc"
