#pragma once
// RAII owners for every libssh handle we create, so no early return leaks a session,
// channel, key, SFTP session or file. libssh's C API has a matching free function for each.
#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <memory>

namespace corral::ssh {

struct SessionDeleter {
    void operator()(ssh_session s) const
    {
        if (ssh_is_connected(s))
            ssh_disconnect(s);
        ssh_free(s);
    }
};
struct ChannelDeleter {
    void operator()(ssh_channel c) const
    {
        if (ssh_channel_is_open(c))
            ssh_channel_close(c);
        ssh_channel_free(c);
    }
};
struct KeyDeleter {
    void operator()(ssh_key k) const { ssh_key_free(k); }
};
struct SftpDeleter {
    void operator()(sftp_session s) const { sftp_free(s); }
};
struct SftpFileDeleter {
    void operator()(sftp_file f) const { sftp_close(f); }
};
struct SftpAttributesDeleter {
    void operator()(sftp_attributes a) const { sftp_attributes_free(a); }
};
struct HashDeleter {
    void operator()(unsigned char *h) const { ssh_clean_pubkey_hash(&h); }
};
struct StringDeleter {
    void operator()(char *s) const { ssh_string_free_char(s); }
};

using Session = std::unique_ptr<ssh_session_struct, SessionDeleter>;
using Channel = std::unique_ptr<ssh_channel_struct, ChannelDeleter>;
using Key = std::unique_ptr<ssh_key_struct, KeyDeleter>;
using Sftp = std::unique_ptr<sftp_session_struct, SftpDeleter>;
using SftpFile = std::unique_ptr<sftp_file_struct, SftpFileDeleter>;
using SftpAttributes = std::unique_ptr<sftp_attributes_struct, SftpAttributesDeleter>;
using Hash = std::unique_ptr<unsigned char, HashDeleter>;
using CString = std::unique_ptr<char, StringDeleter>;

}  // namespace corral::ssh
