"""The built-in architecture catalogue; importing it registers every body.

One module per architecture, each a screenful with its search space next to it.
"""

from autoseq.networks.architectures.bilstm import BiLSTM
from autoseq.networks.architectures.cnn_lstm import CNNLSTM
from autoseq.networks.architectures.gru import GRU
from autoseq.networks.architectures.lstm import LSTM
from autoseq.networks.architectures.lstm_attention import LSTMAttention
from autoseq.networks.architectures.rocket import Rocket
from autoseq.networks.architectures.simple_rnn import SimpleRNN
from autoseq.networks.architectures.stacked_lstm import StackedLSTM
from autoseq.networks.architectures.tcn import TCN
from autoseq.networks.architectures.transformer import Transformer

__all__ = ["BiLSTM", "CNNLSTM", "GRU", "LSTM", "LSTMAttention", "Rocket", "SimpleRNN",
           "StackedLSTM", "TCN", "Transformer"]
