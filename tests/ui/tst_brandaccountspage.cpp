// Settings — Social Integration — Brand Accounts on the offscreen platform, fed with sample
// statuses: the rows and their buttons per state and per permission, the empty state, the
// Add Brand Account dialog (unconfigured providers disabled with the administrator's hint,
// the waiting state with Cancel and Copy link, the service's refusals inline), a reconnect
// waiting under its row, and every action disabled while an attempt of either page runs.
#include "models/brandaccountsmodel.h"
#include "models/providerlistmodel.h"
#include "models/translations.h"
#include "tests/ui/samplebrandaccounts.h"
#include "tests/ui/screenshot.h"
#include "ui/addbrandaccountdialog.h"
#include "ui/brandaccountrow.h"
#include "ui/brandaccountspage.h"
#include "ui/theme.h"

#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace EasyCrm;
using namespace EasyCrm::Testing;
using EasyCrm::Models::BrandAccountsModel;
using EasyCrm::Models::ProviderListModel;
using EasyCrm::Ui::AddBrandAccountDialog;
using EasyCrm::Ui::BrandAccountRow;
using EasyCrm::Ui::BrandAccountsPage;

namespace {

const QString kUnconfiguredTip =
    QStringLiteral("Contact your administrator to enable this provider");
const QString kBusyTip = QStringLiteral("Finish or cancel the connection in progress first.");
const QByteArray kAuthorizeUrl =
    "http://127.0.0.1:4010/auth?response_type=code&client_id=easycrm-desktop"
    "&redirect_uri=http%3A%2F%2F127.0.0.1%3A53682%2Fapi%2Fintegrations%2Fsocial%2Fcallback"
    "&code_challenge_method=S256&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    "&state=c3RhdGUtdGhhdC1tdXN0LW5ldmVyLWJlLXNob3du";

const char *const kButtons[] = {"detailsButton", "reconnectButton", "disconnectButton",
                                "removeButton"};

} // namespace

class TestBrandAccountsPage final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void showsOneRowPerAccountWithItsProvider();
    void showsExactStateTexts_data();
    void showsExactStateTexts();
    void buttonsFollowStateAndPermission_data();
    void buttonsFollowStateAndPermission();
    void withoutManageThereIsNoAddAndNoRemove();
    void actionButtonsEmitTheirRequest_data();
    void actionButtonsEmitTheirRequest();
    void emptyStateExplainsBrandAccounts_data();
    void emptyStateExplainsBrandAccounts();
    void relativeTimeFollowsTheClock();

    void addDialogOffersOnlyConfiguredProviders();
    void addDialogNeedsANameAndAProvider();
    void addDialogWaitsWithCancelAndCopyLink();
    void cancelInTheDialogEmitsCancelRequested();
    void closingTheDialogWhileWaitingCancels();
    void refusalsStayInlineInTheDialog_data();
    void refusalsStayInlineInTheDialog();
    void successClosesTheDialogAndShowsInline();

    void reconnectWaitsUnderItsRow();
    void ownAttemptDisablesEveryOtherAction();
    void otherPagesAttemptDisablesEveryAction();
    void errorsOfRowActionsAreInlineAndPlainText();

private:
    BrandAccountRow *row(int n) const;
    QPushButton *button(int n, const char *name) const;
    QString stateText(int n) const;
    AddBrandAccountDialog *openDialog();
    QListWidgetItem *providerItem(AddBrandAccountDialog *dialog, const QString &name) const;
    QWidget *pageWaitingPanel() const;
    QLabel *pageMessage() const;

    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<ProviderListModel> m_providers;
    std::unique_ptr<BrandAccountsModel> m_model;
    std::unique_ptr<BrandAccountsPage> m_page;
};

void TestBrandAccountsPage::initTestCase()
{
    QVERIFY(Models::installTranslations(*qApp, QLocale::c()));
    Ui::Theme::applyAppearance(*qApp);
}

void TestBrandAccountsPage::init()
{
    m_clock = std::make_unique<ManualClock>(sampleNow());
    m_providers = std::make_unique<ProviderListModel>(m_clock.get());
    m_providers->setStatuses(sampleStatuses());
    m_model = std::make_unique<BrandAccountsModel>(m_clock.get());
    m_model->setStatuses(sampleBrandStatuses());
    m_page = std::make_unique<BrandAccountsPage>(m_model.get(), m_providers.get());
    m_page->setCanManage(true);
    m_page->resize(860, 760);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
}

void TestBrandAccountsPage::cleanup()
{
    if (AddBrandAccountDialog *dialog = m_page->addDialog())
        dialog->close();
    m_page.reset();
    m_model.reset();
    m_providers.reset();
    m_clock.reset();
}

BrandAccountRow *TestBrandAccountsPage::row(int n) const
{
    const QString name = QStringLiteral("brandRow_") + sampleId(n).toString(QUuid::WithoutBraces);
    auto *found = m_page->findChild<BrandAccountRow *>(name);
    if (!found)
        qWarning("no row %d", n);
    return found;
}

QPushButton *TestBrandAccountsPage::button(int n, const char *name) const
{
    BrandAccountRow *r = row(n);
    return r ? r->findChild<QPushButton *>(QString::fromLatin1(name)) : nullptr;
}

QString TestBrandAccountsPage::stateText(int n) const
{
    BrandAccountRow *r = row(n);
    const auto *label = r ? r->findChild<QLabel *>(QStringLiteral("stateLabel")) : nullptr;
    return label ? label->text() : QString();
}

AddBrandAccountDialog *TestBrandAccountsPage::openDialog()
{
    auto *add = m_page->findChild<QPushButton *>(QStringLiteral("addBrandAccountButton"));
    if (!add || !add->isVisible() || !add->isEnabled())
        return nullptr;
    QTest::mouseClick(add, Qt::LeftButton);
    AddBrandAccountDialog *dialog = m_page->addDialog();
    if (dialog && !QTest::qWaitForWindowExposed(dialog))
        return nullptr;
    return dialog;
}

QListWidgetItem *TestBrandAccountsPage::providerItem(AddBrandAccountDialog *dialog,
                                                     const QString &name) const
{
    auto *list = dialog->findChild<QListWidget *>(QStringLiteral("providerChoices"));
    for (int i = 0; list && i < list->count(); ++i) {
        if (list->item(i)->text() == name)
            return list->item(i);
    }
    return nullptr;
}

QWidget *TestBrandAccountsPage::pageWaitingPanel() const
{
    // The page's own, not the dialog's.
    for (QWidget *panel : m_page->findChildren<QWidget *>(QStringLiteral("waitingPanel"))) {
        if (panel->window() == m_page.get())
            return panel;
    }
    return nullptr;
}

QLabel *TestBrandAccountsPage::pageMessage() const
{
    for (QLabel *label : m_page->findChildren<QLabel *>(QStringLiteral("messageText"))) {
        if (label->window() == m_page.get())
            return label;
    }
    return nullptr;
}

void TestBrandAccountsPage::showsOneRowPerAccountWithItsProvider()
{
    QCOMPARE(m_page->findChild<QLabel *>(QStringLiteral("pageTitle"))->text(),
             QStringLiteral("Brand Accounts"));
    QCOMPARE(m_page->rows().size(), 4);
    const QStringList names{u"Acme"_qs, u"Acme Support"_qs, u"Acme Jobs"_qs, u"Acme Studio"_qs};
    const QStringList providers{u"Sandbox"_qs, u"LinkedIn"_qs, u"X"_qs, u"Instagram"_qs};
    for (int n = 1; n <= 4; ++n) {
        QVERIFY(row(n) && row(n)->isVisible());
        QCOMPARE(row(n)->findChild<QLabel *>(QStringLiteral("nameLabel"))->text(), names[n - 1]);
        QCOMPARE(row(n)->findChild<QLabel *>(QStringLiteral("providerLabel"))->text(),
                 providers[n - 1]);
        QCOMPARE(row(n)->findChild<QLabel *>(QStringLiteral("nameLabel"))->textFormat(),
                 Qt::PlainText);
    }
    QVERIFY(!m_page->findChild<QWidget *>(QStringLiteral("brandEmptyState"))->isVisible());
    QVERIFY(!pageWaitingPanel()->isVisible());
    QVERIFY(!saveScreenshot(*m_page, QStringLiteral("brand-accounts-page")).isEmpty());
}

void TestBrandAccountsPage::showsExactStateTexts_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("reason");

    QTest::newRow("connected-just-now")
        << 1 << QStringLiteral("Connected as @acme. Last sync: just now.") << QString();
    QTest::newRow("requires-reauth-with-reason")
        << 2 << QStringLiteral("Requires Re-auth")
        << QStringLiteral("LinkedIn no longer accepts the stored refresh token: it was revoked "
                          "or it expired.");
    QTest::newRow("disconnected") << 3 << QStringLiteral("Not Connected") << QString();
    QTest::newRow("connected-handle-with-at-hours-ago")
        << 4 << QStringLiteral("Connected as @acme.studio. Last sync: 3 hours ago.") << QString();
}

void TestBrandAccountsPage::showsExactStateTexts()
{
    QFETCH(int, n);
    QFETCH(QString, state);
    QFETCH(QString, reason);

    QCOMPARE(stateText(n), state);
    const auto *reasonLabel = row(n)->findChild<QLabel *>(QStringLiteral("reasonLabel"));
    QCOMPARE(reasonLabel->isVisible(), !reason.isEmpty());
    QCOMPARE(reasonLabel->text(), reason);
}

void TestBrandAccountsPage::buttonsFollowStateAndPermission_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<bool>("canManage");
    QTest::addColumn<QStringList>("visible");

    const QStringList connected{u"detailsButton"_qs, u"disconnectButton"_qs};
    const QStringList reauth{u"detailsButton"_qs, u"reconnectButton"_qs, u"disconnectButton"_qs};
    QTest::newRow("connected-manager") << 1 << true << connected;
    QTest::newRow("connected-user") << 1 << false << connected;
    QTest::newRow("reauth-manager") << 2 << true << reauth;
    QTest::newRow("reauth-support-staff") << 2 << false << reauth;
    QTest::newRow("disconnected-manager")
        << 3 << true << QStringList{u"detailsButton"_qs, u"removeButton"_qs};
    QTest::newRow("disconnected-user") << 3 << false << QStringList{u"detailsButton"_qs};
}

void TestBrandAccountsPage::buttonsFollowStateAndPermission()
{
    QFETCH(int, n);
    QFETCH(bool, canManage);
    QFETCH(QStringList, visible);

    m_page->setCanManage(canManage);
    for (const char *name : kButtons) {
        QPushButton *b = button(n, name);
        QVERIFY(b);
        QCOMPARE(b->isVisible(), visible.contains(QString::fromLatin1(name)));
        if (b->isVisible())
            QVERIFY2(b->isEnabled(), name);
    }
}

void TestBrandAccountsPage::withoutManageThereIsNoAddAndNoRemove()
{
    m_page->setCanManage(false);
    auto *add = m_page->findChild<QPushButton *>(QStringLiteral("addBrandAccountButton"));
    QVERIFY(!add->isVisible());
    for (int n = 1; n <= 4; ++n)
        QVERIFY(!button(n, "removeButton")->isVisible());
    // Asking anyway (a stale shortcut, a script) opens nothing.
    m_page->openAddDialog();
    QVERIFY(!m_page->addDialog());

    m_page->setCanManage(true);
    QVERIFY(add->isVisible());
    QVERIFY(button(3, "removeButton")->isVisible());
}

void TestBrandAccountsPage::actionButtonsEmitTheirRequest_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<QByteArray>("buttonName");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("reconnect") << 2 << QByteArray("reconnectButton") << QByteArray("reconnect");
    QTest::newRow("disconnect-connected")
        << 1 << QByteArray("disconnectButton") << QByteArray("disconnect");
    QTest::newRow("disconnect-degraded")
        << 2 << QByteArray("disconnectButton") << QByteArray("disconnect");
    QTest::newRow("remove") << 3 << QByteArray("removeButton") << QByteArray("remove");
    QTest::newRow("details") << 4 << QByteArray("detailsButton") << QByteArray("details");
}

void TestBrandAccountsPage::actionButtonsEmitTheirRequest()
{
    QFETCH(int, n);
    QFETCH(QByteArray, buttonName);
    QFETCH(QByteArray, expected);

    QSignalSpy reconnect(m_page.get(), &BrandAccountsPage::reconnectRequested);
    QSignalSpy disconnect(m_page.get(), &BrandAccountsPage::disconnectRequested);
    QSignalSpy remove(m_page.get(), &BrandAccountsPage::removeRequested);
    QSignalSpy details(m_page.get(), &BrandAccountsPage::detailsRequested);
    QTest::mouseClick(button(n, buttonName.constData()), Qt::LeftButton);

    QSignalSpy &spy = expected == "reconnect"    ? reconnect
                      : expected == "disconnect" ? disconnect
                      : expected == "remove"     ? remove
                                                 : details;
    QCOMPARE(spy.size(), 1);
    // Remove names the account, everything else its connection.
    const QUuid expectedId = expected == "remove" ? sampleId(n) : sampleId(100 + n);
    QCOMPARE(spy.at(0).at(0).toUuid(), expectedId);
    QCOMPARE(reconnect.size() + disconnect.size() + remove.size() + details.size(), 1);
}

void TestBrandAccountsPage::emptyStateExplainsBrandAccounts_data()
{
    QTest::addColumn<bool>("canManage");
    QTest::addColumn<QString>("hint");
    QTest::newRow("manager") << true
                             << QStringLiteral("Add Brand Account connects the first one: you "
                                               "name it, choose its provider and sign in with "
                                               "the brand's account in your browser.");
    QTest::newRow("user") << false
                          << QStringLiteral("An administrator allowed to manage brand accounts "
                                            "can add them here.");
}

void TestBrandAccountsPage::emptyStateExplainsBrandAccounts()
{
    QFETCH(bool, canManage);
    QFETCH(QString, hint);

    m_page->setCanManage(canManage);
    m_model->setStatuses({});
    QVERIFY(m_page->rows().isEmpty());
    const auto *empty = m_page->findChild<QWidget *>(QStringLiteral("brandEmptyState"));
    QVERIFY(empty && empty->isVisible());
    QCOMPARE(empty->findChild<QLabel *>(QStringLiteral("emptyTitle"))->text(),
             QStringLiteral("No brand accounts yet"));
    const QString text = empty->findChild<QLabel *>(QStringLiteral("emptyText"))->text();
    QVERIFY2(text.startsWith(u"Brand accounts are your organisation's own social media "
                             u"accounts"),
             qPrintable(text));
    QCOMPARE(empty->findChild<QLabel *>(QStringLiteral("emptyHint"))->text(), hint);
    QVERIFY(!saveScreenshot(*m_page, canManage ? QStringLiteral("brand-accounts-empty")
                                               : QStringLiteral("brand-accounts-empty-user"))
                 .isEmpty());

    m_model->setStatuses(sampleBrandStatuses());
    QVERIFY(!empty->isVisible());
}

void TestBrandAccountsPage::relativeTimeFollowsTheClock()
{
    m_clock->advance(5 * 60);
    m_model->refresh();
    QCOMPARE(stateText(1), QStringLiteral("Connected as @acme. Last sync: 5 minutes ago."));
}

void TestBrandAccountsPage::addDialogOffersOnlyConfiguredProviders()
{
    AddBrandAccountDialog *dialog = openDialog();
    QVERIFY(dialog);
    QVERIFY(dialog->isModal());
    auto *list = dialog->findChild<QListWidget *>(QStringLiteral("providerChoices"));
    QCOMPARE(list->count(), sampleStatuses().size());
    for (const ProviderStatus &provider : sampleStatuses()) {
        QListWidgetItem *item = providerItem(dialog, provider.providerName);
        QVERIFY2(item, qPrintable(provider.providerName));
        QCOMPARE(item->flags().testFlag(Qt::ItemIsEnabled), provider.configured);
        QCOMPARE(item->flags().testFlag(Qt::ItemIsSelectable), provider.configured);
        QCOMPARE(item->toolTip(), provider.configured ? QString() : kUnconfiguredTip);
        // Said in the list itself, for whoever never hovers.
        QCOMPARE(item->text(), provider.providerName);
        QCOMPARE(item->data(Qt::UserRole + 1).toString(),
                 provider.configured ? QString() : kUnconfiguredTip);
    }
    // The configured providers come first; the first of them is chosen.
    QCOMPARE(list->item(0)->text(), QStringLiteral("Sandbox"));
    QCOMPARE(list->currentItem(), list->item(0));
    QVERIFY(!list->item(list->count() - 1)->flags().testFlag(Qt::ItemIsEnabled));

    // A click on a disabled provider does not choose it.
    QListWidgetItem *x = providerItem(dialog, QStringLiteral("X"));
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(x).center());
    QCOMPARE(dialog->providerKey(), QStringLiteral("sandbox"));
    dialog->findChild<QLineEdit *>(QStringLiteral("brandNameEdit"))
        ->setText(QStringLiteral("Acme News"));
    QVERIFY(!saveScreenshot(*dialog, QStringLiteral("add-brand-account-dialog")).isEmpty());
}

void TestBrandAccountsPage::addDialogNeedsANameAndAProvider()
{
    AddBrandAccountDialog *dialog = openDialog();
    QVERIFY(dialog);
    auto *connect = dialog->findChild<QPushButton *>(QStringLiteral("connectBrandButton"));
    auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("brandNameEdit"));
    QCOMPARE(name->maxLength(), AddBrandAccountDialog::kMaxNameLength);
    QVERIFY(!connect->isEnabled());
    QTest::keyClicks(name, QStringLiteral("   "));
    QVERIFY(!connect->isEnabled()); // blanks are no name
    name->clear();
    QTest::keyClicks(name, QStringLiteral("  Acme   News "));
    QVERIFY(connect->isEnabled());

    // Without any configured provider there is nothing to connect at.
    AddBrandAccountDialog unconfigured(
        {{u"x"_qs, u"X"_qs, false}, {u"tiktok"_qs, u"TikTok"_qs, false}}, nullptr);
    unconfigured.findChild<QLineEdit *>(QStringLiteral("brandNameEdit"))
        ->setText(QStringLiteral("Acme"));
    QVERIFY(unconfigured.providerKey().isEmpty());
    QVERIFY(
        !unconfigured.findChild<QPushButton *>(QStringLiteral("connectBrandButton"))->isEnabled());
}

void TestBrandAccountsPage::addDialogWaitsWithCancelAndCopyLink()
{
    AddBrandAccountDialog *dialog = openDialog();
    QVERIFY(dialog);
    QSignalSpy added(m_page.get(), &BrandAccountsPage::addRequested);
    QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("brandNameEdit")),
                     QStringLiteral("  Acme   News "));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("connectBrandButton")),
                      Qt::LeftButton);

    QCOMPARE(added.size(), 1);
    QCOMPARE(added.at(0).at(0).toString(), QStringLiteral("Acme News"));
    QCOMPARE(added.at(0).at(1).toString(), QStringLiteral("sandbox"));
    QVERIFY(m_page->isWaiting());
    auto *waiting = dialog->findChild<QWidget *>(QStringLiteral("waitingPanel"));
    QVERIFY(waiting && waiting->isVisible());
    QCOMPARE(dialog->findChild<QLabel *>(QStringLiteral("waitingTitle"))->text(),
             QStringLiteral("Preparing the connection…"));
    QVERIFY(!dialog->findChild<QLineEdit *>(QStringLiteral("brandNameEdit"))->isEnabled());

    const QUrl url = QUrl::fromEncoded(kAuthorizeUrl, QUrl::StrictMode);
    m_page->showWaiting(url);
    QCOMPARE(dialog->findChild<QLabel *>(QStringLiteral("waitingTitle"))->text(),
             QStringLiteral("Waiting for you to finish in the browser…"));
    auto *copy = waiting->findChild<QPushButton *>(QStringLiteral("copyLinkButton"));
    QVERIFY(copy->isEnabled());
    QVERIFY(waiting->findChild<QPushButton *>(QStringLiteral("cancelButton"))->isVisible());
    QGuiApplication::clipboard()->clear();
    QTest::mouseClick(copy, Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), QString::fromLatin1(kAuthorizeUrl));
    // The URL carries the state: nothing on screen shows it.
    for (const QLabel *label : dialog->findChildren<QLabel *>())
        QVERIFY2(!label->text().contains(u"c3RhdGUt"), qPrintable(label->objectName()));
    // Not on the page either: an add waits in its dialog.
    QVERIFY(!pageWaitingPanel()->isVisible());

    m_page->showPhase(FlowPhase::Verifying);
    QCOMPARE(dialog->findChild<QLabel *>(QStringLiteral("waitingTitle"))->text(),
             QStringLiteral("Verifying the account…"));
    QVERIFY(!copy->isEnabled()); // the browser came back: its link is spent
}

void TestBrandAccountsPage::cancelInTheDialogEmitsCancelRequested()
{
    AddBrandAccountDialog *dialog = openDialog();
    QVERIFY(dialog);
    dialog->findChild<QLineEdit *>(QStringLiteral("brandNameEdit"))->setText(u"Acme"_qs);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("connectBrandButton")),
                      Qt::LeftButton);
    m_page->showWaiting(QUrl::fromEncoded(kAuthorizeUrl, QUrl::StrictMode));
    QSignalSpy cancelled(m_page.get(), &BrandAccountsPage::cancelRequested);

    auto *waiting = dialog->findChild<QWidget *>(QStringLiteral("waitingPanel"));
    QTest::mouseClick(waiting->findChild<QPushButton *>(QStringLiteral("cancelButton")),
                      Qt::LeftButton);

    QCOMPARE(cancelled.size(), 1);
    QVERIFY(!m_page->isWaiting());
    QVERIFY(!waiting->isVisible());
    QVERIFY(dialog->isVisible()); // to try again
    QVERIFY(dialog->findChild<QLineEdit *>(QStringLiteral("brandNameEdit"))->isEnabled());
    // The service then confirms; the dialog says so.
    m_page->showInfo(QStringLiteral("Connecting was cancelled."));
    QCOMPARE(dialog->findChild<QLabel *>(QStringLiteral("messageText"))->text(),
             QStringLiteral("Connecting was cancelled."));
}

void TestBrandAccountsPage::closingTheDialogWhileWaitingCancels()
{
    AddBrandAccountDialog *dialog = openDialog();
    QVERIFY(dialog);
    QSignalSpy cancelled(m_page.get(), &BrandAccountsPage::cancelRequested);
    dialog->reject(); // not waiting: closing cancels nothing
    QCOMPARE(cancelled.size(), 0);
    QTRY_VERIFY(!m_page->addDialog());

    dialog = openDialog();
    QVERIFY(dialog);
    dialog->findChild<QLineEdit *>(QStringLiteral("brandNameEdit"))->setText(u"Acme"_qs);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("connectBrandButton")),
                      Qt::LeftButton);
    QTest::keyClick(dialog, Qt::Key_Escape);
    QCOMPARE(cancelled.size(), 1);
    QVERIFY(!m_page->isWaiting());
    QTRY_VERIFY(!m_page->addDialog());
    m_page->showInfo(QStringLiteral("Connecting was cancelled."));
    QCOMPARE(pageMessage()->text(), QStringLiteral("Connecting was cancelled."));
}

void TestBrandAccountsPage::refusalsStayInlineInTheDialog_data()
{
    QTest::addColumn<QString>("message");
    // What the service answers (ConnectionService): the same identity twice, no permission,
    // a provider switched off meanwhile, a name too long; and markup from a server.
    QTest::newRow("same-identity-twice")
        << QStringLiteral("@acme is already connected to the brand account \"Acme\". Reconnect "
                          "that brand account instead of adding the account again.");
    QTest::newRow("permission-denied")
        << QStringLiteral("You do not have the permission to do this. Ask your administrator.");
    QTest::newRow("provider-not-configured") << kUnconfiguredTip;
    QTest::newRow("markup-from-server")
        << QStringLiteral("<b>invalid_grant</b>: <img src=\"http://evil.example/x\">");
}

void TestBrandAccountsPage::refusalsStayInlineInTheDialog()
{
    QFETCH(QString, message);

    AddBrandAccountDialog *dialog = openDialog();
    QVERIFY(dialog);
    dialog->findChild<QLineEdit *>(QStringLiteral("brandNameEdit"))->setText(u"Acme again"_qs);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("connectBrandButton")),
                      Qt::LeftButton);
    m_page->showPhase(FlowPhase::Saving);

    m_page->showError(message);

    QVERIFY(dialog->isVisible());
    QVERIFY(!m_page->isWaiting());
    const auto *strip = dialog->findChild<QWidget *>(QStringLiteral("messageStrip"));
    QVERIFY(strip && strip->isVisible());
    QCOMPARE(strip->property("kind").toString(), QStringLiteral("error"));
    const auto *text = dialog->findChild<QLabel *>(QStringLiteral("messageText"));
    QCOMPARE(text->text(), message);
    QCOMPARE(text->textFormat(), Qt::PlainText);
    // The form is back, as it was, to change and send again.
    auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("brandNameEdit"));
    QVERIFY(name->isEnabled());
    QCOMPARE(name->text(), QStringLiteral("Acme again"));
    QVERIFY(dialog->findChild<QPushButton *>(QStringLiteral("connectBrandButton"))->isVisible());
    QVERIFY(!dialog->findChild<QWidget *>(QStringLiteral("waitingPanel"))->isVisible());
    QVERIFY(!pageMessage()->isVisible());
    if (QTest::currentDataTag() == QByteArray("same-identity-twice")) {
        QVERIFY(!saveScreenshot(*dialog, QStringLiteral("add-brand-account-refused")).isEmpty());
    }
}

void TestBrandAccountsPage::successClosesTheDialogAndShowsInline()
{
    AddBrandAccountDialog *dialog = openDialog();
    QVERIFY(dialog);
    dialog->findChild<QLineEdit *>(QStringLiteral("brandNameEdit"))->setText(u"Acme News"_qs);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("connectBrandButton")),
                      Qt::LeftButton);
    m_page->showWaiting(QUrl::fromEncoded(kAuthorizeUrl, QUrl::StrictMode));

    m_page->showSuccess(QStringLiteral("\"Acme News\" is connected as @acmenews."));

    QTRY_VERIFY(!m_page->addDialog());
    QVERIFY(!m_page->isWaiting());
    QCOMPARE(pageMessage()->text(), QStringLiteral("\"Acme News\" is connected as @acmenews."));
    QVERIFY(pageMessage()->isVisible());
    QVERIFY(button(1, "disconnectButton")->isEnabled());
}

void TestBrandAccountsPage::reconnectWaitsUnderItsRow()
{
    QSignalSpy cancelled(m_page.get(), &BrandAccountsPage::cancelRequested);
    QTest::mouseClick(button(2, "reconnectButton"), Qt::LeftButton);
    QWidget *waiting = pageWaitingPanel();
    QVERIFY(waiting->isVisible());
    m_page->showWaiting(QUrl::fromEncoded(kAuthorizeUrl, QUrl::StrictMode));
    QCOMPARE(m_page->findChild<QLabel *>(QStringLiteral("waitingTitle"))->text(),
             QStringLiteral("Waiting for you to finish in the browser…"));
    QVERIFY(
        m_page->findChild<QLabel *>(QStringLiteral("waitingDetail"))->text().contains(u"LinkedIn"));
    // Right under the account it repairs.
    QTRY_VERIFY(waiting->y() > row(2)->y() && waiting->y() < row(3)->y());
    QVERIFY(!saveScreenshot(*m_page, QStringLiteral("brand-accounts-reconnecting")).isEmpty());

    QTest::mouseClick(waiting->findChild<QPushButton *>(QStringLiteral("cancelButton")),
                      Qt::LeftButton);
    QCOMPARE(cancelled.size(), 1);
    QVERIFY(!waiting->isVisible());
    QVERIFY(button(2, "reconnectButton")->isEnabled());
}

void TestBrandAccountsPage::ownAttemptDisablesEveryOtherAction()
{
    QTest::mouseClick(button(2, "reconnectButton"), Qt::LeftButton);
    for (int n = 1; n <= 4; ++n) {
        for (const char *name : {"reconnectButton", "disconnectButton", "removeButton"})
            QVERIFY2(!button(n, name)->isEnabled(), name);
        // Reading stays possible.
        QVERIFY(button(n, "detailsButton")->isEnabled());
    }
    QVERIFY(
        !m_page->findChild<QPushButton *>(QStringLiteral("addBrandAccountButton"))->isEnabled());
    QSignalSpy disconnect(m_page.get(), &BrandAccountsPage::disconnectRequested);
    QTest::mouseClick(button(1, "disconnectButton"), Qt::LeftButton);
    QCOMPARE(disconnect.size(), 0);

    m_page->showPhase(FlowPhase::Idle);
    QVERIFY(button(1, "disconnectButton")->isEnabled());
    QVERIFY(m_page->findChild<QPushButton *>(QStringLiteral("addBrandAccountButton"))->isEnabled());
}

void TestBrandAccountsPage::otherPagesAttemptDisablesEveryAction()
{
    m_page->setOtherAttemptRunning(true);
    auto *add = m_page->findChild<QPushButton *>(QStringLiteral("addBrandAccountButton"));
    QVERIFY(!add->isEnabled());
    QCOMPARE(add->parentWidget()->toolTip(), kBusyTip);
    QVERIFY(!button(2, "reconnectButton")->isEnabled());
    QCOMPARE(row(2)->findChild<QWidget *>(QStringLiteral("actionHolder"))->toolTip(), kBusyTip);
    QVERIFY(!button(1, "disconnectButton")->isEnabled());
    QVERIFY(!button(3, "removeButton")->isEnabled());
    m_page->openAddDialog();
    QVERIFY(!m_page->addDialog());
    // A rebuilt list keeps it.
    m_model->setStatuses(sampleBrandStatuses().mid(1));
    QVERIFY(!button(2, "reconnectButton")->isEnabled());

    m_page->setOtherAttemptRunning(false);
    QVERIFY(add->isEnabled());
    QVERIFY(add->parentWidget()->toolTip().isEmpty());
    QVERIFY(button(2, "reconnectButton")->isEnabled());
}

void TestBrandAccountsPage::errorsOfRowActionsAreInlineAndPlainText()
{
    const QString message = QStringLiteral("Disconnect \"Acme <b>Jobs</b>\" before removing it.");
    m_page->showError(message);
    QLabel *text = pageMessage();
    QVERIFY(text && text->isVisible());
    QCOMPARE(text->text(), message);
    QCOMPARE(text->textFormat(), Qt::PlainText);
    for (const QWidget *window : QApplication::topLevelWidgets())
        QVERIFY(!(qobject_cast<const QDialog *>(window) && window->isVisible()));
}

QTEST_MAIN(TestBrandAccountsPage)
#include "tst_brandaccountspage.moc"
