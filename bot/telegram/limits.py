"""Every Telegram limit the bot designs around, in one place (checked against PTB's constants).

Plain numbers, so the renderers shared with the terminal need not import python-telegram-bot.
"""

MAX_TEXT = 4096  # characters (UTF-16 code units) in one message: MessageLimit.MAX_TEXT_LENGTH
MAX_CAPTION = 1024  # characters in a photo or document caption: MessageLimit.CAPTION_LENGTH
MAX_CALLBACK_DATA = 64  # bytes of a button's callback data: InlineKeyboardButtonLimit
MAX_DOWNLOAD = (
    20 * 1024 * 1024
)  # bytes the cloud Bot API hands out: FileSizeLimit.FILESIZE_DOWNLOAD
