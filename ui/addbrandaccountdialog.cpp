#include "ui/addbrandaccountdialog.h"

#include "models/providerlistmodel.h"
#include "ui/messagestrip.h"
#include "ui/theme.h"
#include "ui/waitingpanel.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QVBoxLayout>

#include <algorithm>

namespace EasyCrm::Ui {

namespace {

constexpr int kIconSize = 22;
constexpr int kHintRole = Qt::UserRole + 1;
constexpr int kMaxListHeight = 420;
constexpr int kHintGap = 16;

// A provider that cannot be chosen says why on its own line, after its name, in grey: the
// list stays one line per provider and the reason is read without hovering.
class ProviderDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override
    {
        QStyledItemDelegate::paint(painter, option, index);
        const QString hint = index.data(kHintRole).toString();
        if (hint.isEmpty())
            return;
        QStyleOptionViewItem item = option;
        initStyleOption(&item, index);
        const int nameEnd = item.rect.left() + kIconSize + 2 * kHintGap +
                            item.fontMetrics.horizontalAdvance(item.text);
        const QRect area(nameEnd, item.rect.top(), item.rect.right() - kHintGap / 2 - nameEnd,
                         item.rect.height());
        QFont font = item.font;
        font.setPointSizeF(font.pointSizeF() * 0.92);
        painter->save();
        painter->setFont(font);
        painter->setPen(item.palette.color(QPalette::PlaceholderText));
        const QString shown = QFontMetrics(font).elidedText(hint, Qt::ElideRight, area.width());
        painter->drawText(area, Qt::AlignRight | Qt::AlignVCenter, shown);
        painter->restore();
    }
};
constexpr int kProviderKeyRole = Qt::UserRole;

// The provider's badge of the Social Integration page, small, for the list.
QIcon badgeIcon(const ProviderChoice &provider, qreal pointSize)
{
    QPixmap pixmap(kIconSize * 2, kIconSize * 2); // drawn at twice the size: crisp on HiDPI
    pixmap.fill(Qt::transparent);
    pixmap.setDevicePixelRatio(2.0);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(Theme::badgeColour(provider.key));
    painter.drawEllipse(QRectF(0, 0, kIconSize, kIconSize));
    QFont font;
    font.setPointSizeF(pointSize);
    font.setWeight(QFont::Bold);
    painter.setFont(font);
    painter.setPen(Qt::white);
    painter.drawText(QRectF(0, 0, kIconSize, kIconSize), Qt::AlignCenter,
                     provider.name.left(1).toUpper());
    return QIcon(pixmap);
}

QLabel *fieldLabel(const QString &text, QWidget *buddy, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setProperty("role", QStringLiteral("fieldLabel"));
    label->setBuddy(buddy);
    QFont font = label->font();
    font.setWeight(QFont::DemiBold);
    label->setFont(font);
    return label;
}

} // namespace

AddBrandAccountDialog::AddBrandAccountDialog(const QList<ProviderChoice> &providers,
                                             QWidget *parent)
    : QDialog(parent)
    , m_message(new MessageStrip(this))
    , m_waitingPanel(new WaitingPanel(this))
{
    setObjectName(QStringLiteral("addBrandAccountDialog"));
    setWindowTitle(tr("Add Brand Account"));
    setStyleSheet(Theme::pageStyleSheet());
    setMinimumWidth(520);

    m_buttons = new QDialogButtonBox(this);
    m_connect = m_buttons->addButton(tr("Connect"), QDialogButtonBox::AcceptRole);
    m_connect->setObjectName(QStringLiteral("connectBrandButton"));
    m_connect->setDefault(true);
    QPushButton *cancel = m_buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("closeDialogButton"));
    // The button box polished them while laying them out: the style must be applied again.
    Theme::setStyleProperty(m_connect, "action", QStringLiteral("primary"));
    Theme::setStyleProperty(cancel, "action", QStringLiteral("secondary"));
    connect(m_connect, &QPushButton::clicked, this, &AddBrandAccountDialog::onConnect);
    connect(cancel, &QPushButton::clicked, this, &AddBrandAccountDialog::reject);
    connect(m_waitingPanel, &WaitingPanel::cancelClicked, this,
            &AddBrandAccountDialog::onCancelWaiting);
    connect(m_waitingPanel, &WaitingPanel::linkCopied, this, [this] {
        showInfo(tr("Link copied. Paste it into your browser to continue signing in."));
    });

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 22, 24, 18);
    layout->setSpacing(14);
    layout->addWidget(buildHeader());
    layout->addWidget(buildForm(providers));
    layout->addStretch(1);
    layout->addWidget(m_message);
    layout->addWidget(m_waitingPanel);
    layout->addWidget(m_buttons);
    updateConnectButton();
    fitToProviders();
    m_name->setFocus();
}

QWidget *AddBrandAccountDialog::buildHeader()
{
    auto *header = new QWidget(this);
    auto *title = new QLabel(tr("Add Brand Account"), header);
    title->setObjectName(QStringLiteral("dialogTitle"));
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.35);
    titleFont.setWeight(QFont::DemiBold);
    title->setFont(titleFont);
    auto *intro = new QLabel(tr("Name the account and choose its provider. Your browser then "
                                "opens the provider's sign-in page: sign in with the brand's "
                                "account, not your own."),
                             header);
    intro->setObjectName(QStringLiteral("dialogIntro"));
    intro->setWordWrap(true);
    auto *layout = new QVBoxLayout(header);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(title);
    layout->addWidget(intro);
    return header;
}

QWidget *AddBrandAccountDialog::buildForm(const QList<ProviderChoice> &providers)
{
    auto *form = new QWidget(this);
    m_name = new QLineEdit(form);
    m_name->setObjectName(QStringLiteral("brandNameEdit"));
    m_name->setMaxLength(kMaxNameLength);
    //: Placeholder of the brand account's name.
    m_name->setPlaceholderText(tr("e.g. Acme Support"));
    m_name->setClearButtonEnabled(true);
    connect(m_name, &QLineEdit::textChanged, this, &AddBrandAccountDialog::updateConnectButton);
    m_providers = new QListWidget(form);
    m_providers->setObjectName(QStringLiteral("providerChoices"));
    m_providers->setIconSize(QSize(kIconSize, kIconSize));
    m_providers->setItemDelegate(new ProviderDelegate(m_providers));
    m_providers->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_providers->setAccessibleName(tr("Provider"));
    fillProviders(providers);
    connect(m_providers, &QListWidget::currentItemChanged, this,
            &AddBrandAccountDialog::updateConnectButton);
    connect(m_providers, &QListWidget::itemDoubleClicked, this, &AddBrandAccountDialog::onConnect);

    auto *layout = new QVBoxLayout(form);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    //: Label of the brand account's name field.
    layout->addWidget(fieldLabel(tr("&Name"), m_name, form));
    layout->addWidget(m_name);
    layout->addSpacing(8);
    //: Label of the list of providers a brand account can be connected at.
    layout->addWidget(fieldLabel(tr("&Provider"), m_providers, form));
    layout->addWidget(m_providers);
    return form;
}

// Configured providers first, in the catalogue's order; the others after them, disabled, each
// saying who can enable it.
void AddBrandAccountDialog::fillProviders(const QList<ProviderChoice> &providers)
{
    QList<ProviderChoice> ordered = providers;
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const ProviderChoice &a, const ProviderChoice &b) {
                         return a.configured && !b.configured;
                     });
    const QString hint = Models::ProviderListModel::unconfiguredToolTip();
    const qreal iconPointSize = font().pointSizeF() * 0.95;
    for (const ProviderChoice &provider : std::as_const(ordered)) {
        auto *item = new QListWidgetItem(badgeIcon(provider, iconPointSize), provider.name);
        item->setData(kProviderKeyRole, provider.key);
        if (!provider.configured) {
            item->setData(kHintRole, hint);
            item->setToolTip(hint);
            item->setFlags(item->flags() & ~(Qt::ItemIsEnabled | Qt::ItemIsSelectable));
        }
        m_providers->addItem(item);
    }
    for (int row = 0; row < m_providers->count(); ++row) {
        if (m_providers->item(row)->flags().testFlag(Qt::ItemIsSelectable)) {
            m_providers->setCurrentRow(row);
            break;
        }
    }
}

// Every provider in view at once: a choice hidden behind a scroll bar is easily missed. Once
// polished: the style sheet's paddings change the items' heights.
void AddBrandAccountDialog::fitToProviders()
{
    ensurePolished();
    // The frame width includes the style sheet's padding.
    int height = 2 * m_providers->frameWidth();
    for (int row = 0; row < m_providers->count(); ++row)
        height += m_providers->sizeHintForRow(row);
    m_providers->setFixedHeight(std::min(height, kMaxListHeight));
    // Sized here, so showing does not shrink it to two thirds of a small screen.
    resize(sizeHint());
}

QString AddBrandAccountDialog::accountName() const
{
    return m_name->text().simplified();
}

QString AddBrandAccountDialog::providerKey() const
{
    const QListWidgetItem *item = m_providers->currentItem();
    if (!item || !item->flags().testFlag(Qt::ItemIsSelectable))
        return {};
    return item->data(kProviderKeyRole).toString();
}

void AddBrandAccountDialog::updateConnectButton()
{
    m_connect->setEnabled(!m_waiting && !accountName().isEmpty() && !providerKey().isEmpty());
}

void AddBrandAccountDialog::onConnect()
{
    if (m_waiting || accountName().isEmpty() || providerKey().isEmpty())
        return;
    m_message->dismiss(); // the outcome of an earlier try no longer applies
    setWaiting(true);
    m_waitingPanel->start(m_providers->currentItem()->text(), {});
    emit submitted(accountName(), providerKey());
}

void AddBrandAccountDialog::showWaiting(const QUrl &authorizeUrl)
{
    const QListWidgetItem *item = m_providers->currentItem();
    setWaiting(true);
    m_waitingPanel->start(item ? item->text() : QString(), authorizeUrl);
}

void AddBrandAccountDialog::showPhase(FlowPhase phase)
{
    if (phase == FlowPhase::Idle) {
        endWaiting();
        return;
    }
    setWaiting(true);
    m_waitingPanel->setPhase(phase);
}

void AddBrandAccountDialog::showError(const QString &message)
{
    endWaiting();
    m_message->showMessage(MessageStrip::Kind::Error, message);
}

void AddBrandAccountDialog::showInfo(const QString &message)
{
    m_message->showMessage(MessageStrip::Kind::Info, message);
}

void AddBrandAccountDialog::endWaiting()
{
    setWaiting(false);
}

void AddBrandAccountDialog::setWaiting(bool waiting)
{
    m_waiting = waiting;
    m_name->setEnabled(!waiting);
    m_providers->setEnabled(!waiting);
    // The waiting panel has its own Cancel; a second one next to it would only confuse.
    m_buttons->setVisible(!waiting);
    if (waiting)
        m_waitingPanel->show();
    else
        m_waitingPanel->reset();
    updateConnectButton();
}

void AddBrandAccountDialog::onCancelWaiting()
{
    // The person asked to stop; the dialog does not wait for the service to confirm.
    endWaiting();
    emit cancelRequested();
}

void AddBrandAccountDialog::reject()
{
    if (m_waiting) {
        endWaiting();
        emit cancelRequested();
    }
    QDialog::reject();
}

} // namespace EasyCrm::Ui
